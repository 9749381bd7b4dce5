// The "VM-Entry Checks" view, the "Check VM-Entry State…" command, and live checks, hovers and quick fixes on VMCS
// states and dumps. The checks load on first use from their own bundle (dist/entry-checks.js): activation does not
// pay for the rule table.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { EntryChecks } from './entry-checks';
import { entryModule } from './lazy';

const INPUT = /\.(vmcs-state\.json|vmcsdump)$/;
/** Where VMCS states and dumps are: by file name, or a dump editor (pasted text). */
// Untitled JSON: a state pasted into a new editor and checked from the command.
const SELECTOR: vscode.DocumentSelector = [{ language: 'vmcsdump' }, { pattern: '**/*.vmcs-state.json' }, { pattern: '**/*.vmcsdump' }, { language: 'json', scheme: 'untitled' }];

export function registerEntryChecks(ctx: Ctx): void {
  let impl: EntryChecks | undefined;
  const changed = new vscode.EventEmitter<undefined>();
  const load = (): EntryChecks => {
    if (!impl) {
      impl = new (entryModule().EntryChecks)(ctx);
      impl.onDidChangeTreeData(() => changed.fire(undefined));
      ctx.subscribe(impl);
    }
    return impl;
  };
  const provider: vscode.TreeDataProvider<unknown> = {
    onDidChangeTreeData: changed.event,
    getChildren: (n) => impl?.getChildren(n as never) ?? [],
    getTreeItem: (n) => impl!.getTreeItem(n as never),
  };
  const opened = (d: vscode.TextDocument) => (INPUT.test(d.uri.path) || d.languageId === 'vmcsdump') && load().schedule(d, 0);
  ctx.subscribe(
    changed,
    vscode.window.createTreeView('vmcsInspector.entryChecks', { treeDataProvider: provider, showCollapseAll: true }),
    vscode.commands.registerCommand('vmcsInspector.checkEntryState', (arg?: unknown) => load().command(arg)),
    vscode.workspace.onDidOpenTextDocument(opened),
    // Hovers and quick fixes load the checks only once a document has been checked, so they never start them.
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p) => impl?.provideHover(d, p) }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, { provideCodeActions: (d, r, c) => impl?.provideCodeActions(d, r, c) ?? [] }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.commands.registerCommand('vmcsInspector.copyText', async (text: string) => {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(vscode.l10n.t('VMCS: copied {0}', text));
    }),
  );
  for (const d of vscode.workspace.textDocuments) opened(d);
}

// The "VM-Entry Checks" view, the "Check VM-Entry State…" command and live checks of open *.vmcs-state.json files. The
// checks load on first use from their own bundle (dist/entry-checks.js): activation does not pay for the rule table.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { EntryChecks } from './entry-checks';

const STATE_SUFFIX = '.vmcs-state.json';

export function registerEntryChecks(ctx: Ctx): void {
  let impl: EntryChecks | undefined;
  const changed = new vscode.EventEmitter<undefined>();
  const load = (): EntryChecks => {
    if (!impl) {
      const mod = require(join(__dirname, 'entry-checks.js')) as typeof import('./entry-checks');
      impl = new mod.EntryChecks(ctx);
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
  const opened = (d: vscode.TextDocument) => d.uri.path.endsWith(STATE_SUFFIX) && load().schedule(d, 0);
  ctx.subscribe(
    changed,
    vscode.window.createTreeView('vmcsInspector.entryChecks', { treeDataProvider: provider, showCollapseAll: true }),
    vscode.commands.registerCommand('vmcsInspector.checkEntryState', (arg?: unknown) => load().command(arg)),
    vscode.workspace.onDidOpenTextDocument(opened),
  );
  for (const d of vscode.workspace.textDocuments) opened(d);
}

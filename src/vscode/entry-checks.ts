// "VMCS: Check VM-Entry State…": the VM-entry checks on *.vmcs-state.json documents, as diagnostics on the lines of the
// fields involved and as the "VM-Entry Checks" tree (class > SDM section > check > fields). Bundled apart from the
// extension (dist/entry-checks.js) and loaded on first use, so activation does not pay for the rule table.
import * as vscode from 'vscode';
import { catalogue } from '../core/catalogue/catalogue';
import { hex } from '../core/catalogue/hex';
import { lineOf } from '../core/catalogue/json-text';
import { cpuFacts, entryCaps } from '../core/entry/caps';
import { CLASSES, checkEntry, type CheckResult, type EntryReport } from '../core/entry/engine';
import { outcomeText } from '../core/entry/outcome';
import type { CheckClass } from '../core/entry/rule';
import { CLASS_TITLES, SECTION_TITLES } from '../core/entry/sections';
import { parseState, StateError, type VmcsState } from '../core/dump/state-file';
import type { Ctx } from './ctx';

export const STATE_SUFFIX = '.vmcs-state.json';
const DEBOUNCE_MS = 300;

type EntryNode =
  | { kind: 'outcome'; id: string }
  | { kind: 'class'; id: string; cls: CheckClass }
  | { kind: 'section'; id: string; cls: CheckClass; section: string }
  | { kind: 'check'; id: string; check: CheckResult }
  | { kind: 'field'; id: string; check: CheckResult; encoding: number };

interface Checked {
  uri: vscode.Uri;
  state: VmcsState;
  text: string;
  report: EntryReport;
  source: string;
}

const STATUS_ICONS = {
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  'not-checked': new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground')),
} as const;

const counts = (checks: readonly CheckResult[]) => {
  const n = (s: CheckResult['status']) => checks.filter((c) => c.status === s).length;
  return vscode.l10n.t('{0} fail · {1} pass · {2} not checked', n('fail'), n('pass'), n('not-checked'));
};

export class EntryChecks implements vscode.TreeDataProvider<EntryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EntryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly collection = vscode.languages.createDiagnosticCollection('vmcs-entry');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checked = new Map<string, Checked>();
  /** The state the tree shows: the last one checked or focused. */
  private shown?: Checked;

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.checked.delete(d.uri.toString());
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        const c = e && this.checked.get(e.document.uri.toString());
        if (c && c !== this.shown) this.show(c);
      }),
      ctx.store.onDidChange(() => {
        for (const d of vscode.workspace.textDocuments) if (EntryChecks.isState(d)) this.check(d);
      }),
    );
  }

  static isState(doc: vscode.TextDocument): boolean {
    return doc.uri.path.endsWith(STATE_SUFFIX);
  }

  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (!EntryChecks.isState(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) this.check(doc);
    }, delay));
  }

  /** Checks a state document: diagnostics for failing checks (or the parse error), and the tree. */
  check(doc: vscode.TextDocument): Checked | undefined {
    const loaded = this.ctx.store.now;
    if (!loaded) return undefined;
    const text = doc.getText();
    let state: VmcsState;
    try {
      state = parseState(text, vscode.workspace.asRelativePath(doc.uri));
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      const line = Number(/^[^:]*:(\d+):/.exec(e.message)?.[1] ?? 1) - 1;
      const d = new vscode.Diagnostic(doc.lineAt(Math.min(line, doc.lineCount - 1)).range, e.message.replace(/^[^:]*:\d+(:\d+)?: /, ''), vscode.DiagnosticSeverity.Error);
      d.source = 'VMCS';
      this.collection.set(doc.uri, [d]);
      return undefined;
    }
    const report = checkEntry({ fields: state.fields, msrLoad: state.msrLoad }, entryCaps(loaded.caps), cpuFacts(loaded.caps));
    const c: Checked = { uri: doc.uri, state, text, report, source: loaded.source.id };
    this.checked.set(doc.uri.toString(), c);
    this.collection.set(doc.uri, this.diagnostics(doc, c));
    this.show(c);
    return c;
  }

  private fieldLine(c: Checked, encoding: number): number | undefined {
    const key = c.state.keys.get(encoding);
    return key === undefined ? undefined : lineOf(c.text, ['fields', key]);
  }

  private diagnostics(doc: vscode.TextDocument, c: Checked): vscode.Diagnostic[] {
    const out: vscode.Diagnostic[] = [];
    for (const check of c.report.checks) {
      if (check.status !== 'fail') continue;
      const lines = [...new Set(check.fields.map((f) => this.fieldLine(c, f)).filter((l): l is number => l !== undefined))];
      if (!lines.length) lines.push(lineOf(c.text, ['fields']) ?? 1);
      for (const line of lines) {
        const d = new vscode.Diagnostic(doc.lineAt(line - 1).range, `${check.message} (SDM ${check.section})${check.hint ? ` — ${check.hint}` : ''}`, vscode.DiagnosticSeverity.Error);
        d.source = 'VMCS';
        d.code = check.id;
        out.push(d);
      }
    }
    return out;
  }

  private show(c: Checked): void {
    this.shown = c;
    void vscode.commands.executeCommand('setContext', 'vmcsInspector.entryChecked', true);
    this.changed.fire(undefined);
  }

  /** The command: the active state document, or one the user picks. */
  async command(arg?: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor && EntryChecks.isState(vscode.window.activeTextEditor.document) ? vscode.window.activeTextEditor.document.uri : await this.pick();
    if (!uri) return;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    if (!(await this.ctx.store.current())) return void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: no capability source is available: {0}', this.ctx.store.lastError ?? ''));
    const c = this.check(doc);
    if (!c) return void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: {0} is not a valid VMCS state file; see the Problems panel.', vscode.workspace.asRelativePath(uri)));
    await vscode.commands.executeCommand('vmcsInspector.entryChecks.focus');
    const { fail, notChecked } = c.report.counts;
    const message = vscode.l10n.t('VMCS on {0}: {1} ({2} failing, {3} not checked)', c.source, outcomeText(c.report.outcome), fail, notChecked);
    if (fail) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
  }

  private async pick(): Promise<vscode.Uri | undefined> {
    const files = await vscode.workspace.findFiles(`**/*${STATE_SUFFIX}`, '**/node_modules/**', 200);
    const browse = vscode.l10n.t('Browse…');
    const items = [...files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f as vscode.Uri | undefined })), { label: browse, uri: undefined }];
    const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('VMCS state file to check') });
    if (!chosen) return undefined;
    if (chosen.uri) return chosen.uri;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'VMCS state': ['json'] } });
    return picked?.[0];
  }

  getChildren(n?: EntryNode): EntryNode[] {
    const c = this.shown;
    if (!c) return [];
    if (!n) return [{ kind: 'outcome', id: 'outcome' }, ...CLASSES.map((cls) => ({ kind: 'class' as const, id: `class:${cls}`, cls }))];
    if (n.kind === 'class') {
      const sections = [...new Set(c.report.checks.filter((k) => k.class === n.cls).map((k) => k.section))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      return sections.map((section) => ({ kind: 'section', id: `section:${section}`, cls: n.cls, section }));
    }
    if (n.kind === 'section') return c.report.checks.filter((k) => k.section === n.section).map((check) => ({ kind: 'check', id: `check:${check.id}`, check }));
    if (n.kind === 'check') return n.check.fields.map((encoding) => ({ kind: 'field', id: `${n.id}:${encoding}`, check: n.check, encoding }));
    return [];
  }

  getTreeItem(n: EntryNode): vscode.TreeItem {
    const c = this.shown!;
    const None = vscode.TreeItemCollapsibleState.None;
    if (n.kind === 'outcome') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(c.uri), None);
      item.description = outcomeText(c.report.outcome);
      item.tooltip = new vscode.MarkdownString(`**${outcomeText(c.report.outcome)}**\n\n${vscode.l10n.t('capabilities: {0}', c.source)}`);
      item.iconPath = new vscode.ThemeIcon(c.report.outcome.result === 'enters' ? 'pass' : c.report.outcome.result === 'undecided' ? 'question' : 'error');
      return item;
    }
    if (n.kind === 'class' || n.kind === 'section') {
      const checks = c.report.checks.filter((k) => (n.kind === 'class' ? k.class === n.cls : k.section === n.section));
      const failing = checks.some((k) => k.status === 'fail');
      const item = new vscode.TreeItem(n.kind === 'class' ? CLASS_TITLES[n.cls] : `${n.section} ${SECTION_TITLES[n.section] ?? ''}`, failing ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = counts(checks);
      item.iconPath = failing ? STATUS_ICONS.fail : checks.some((k) => k.status === 'not-checked') ? STATUS_ICONS['not-checked'] : STATUS_ICONS.pass;
      return item;
    }
    if (n.kind === 'check') {
      const item = new vscode.TreeItem(n.check.id, n.check.fields.length ? vscode.TreeItemCollapsibleState.Collapsed : None);
      item.description = n.check.status === 'pass' ? vscode.l10n.t('pass') : n.check.message;
      item.tooltip = new vscode.MarkdownString(`**${n.check.id}** (SDM ${n.check.section}): ${n.check.status}\n\n${n.check.message}${n.check.hint ? `\n\n${n.check.hint}` : ''}`);
      item.iconPath = STATUS_ICONS[n.check.status];
      return item;
    }
    const record = catalogue().byEncodingNumber(n.encoding);
    const value = c.state.fields.get(n.encoding);
    const item = new vscode.TreeItem(record?.name ?? hex(BigInt(n.encoding), 4), None);
    item.description = value === undefined ? vscode.l10n.t('absent') : hex(value);
    const line = this.fieldLine(c, n.encoding);
    if (line !== undefined) {
      const at = new vscode.Range(line - 1, 0, line - 1, 0);
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Show Field'), arguments: [c.uri, { selection: at }] };
    }
    return item;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

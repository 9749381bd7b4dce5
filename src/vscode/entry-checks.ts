// "VMCS: Check VM-Entry State…": the VM-entry checks on VMCS states and dumps (*.vmcs-state.json, *.vmcsdump, a
// selection, the clipboard, an untitled editor), as diagnostics on the values of the fields involved, hovers that
// decode every value, a quick fix that copies a corrected value, and the "VM-Entry Checks" tree (class > SDM section >
// check > fields). Bundled apart from the extension (dist/entry-checks.js) and loaded on first use.
import * as vscode from 'vscode';
import { catalogue } from '../core/catalogue/catalogue';
import { hex } from '../core/catalogue/hex';
import { lineOf } from '../core/catalogue/json-text';
import { fieldAt, nothingRead, readInput, type VmcsInput } from '../core/dump/input';
import { cpuFacts, entryCaps } from '../core/entry/caps';
import { correctedValue } from '../core/entry/correct';
import { CLASSES, checkEntry, type CheckResult, type EntryReport } from '../core/entry/engine';
import { outcomeText, reportedOutcome } from '../core/entry/outcome';
import type { CheckClass } from '../core/entry/rule';
import { CLASS_TITLES, SECTION_TITLES } from '../core/entry/sections';
import { StateError } from '../core/dump/state-file';
import { entryFindings, entryValueMarkdown, stateErrorLine } from '../core/render/entry-findings';
import type { Ctx } from './ctx';

/** For hovers on constants in source code, which the main bundle leaves to this one. */
export { decodeField, hasDecoder } from '../core/decode/decode';
export { exitConstant } from '../core/decode/constants';
export { exitConstantMarkdown } from '../core/render/exit-markdown';

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information } as const;

export const STATE_SUFFIX = '.vmcs-state.json';
export const DUMP_SUFFIX = '.vmcsdump';
const DEBOUNCE_MS = 300;

type EntryNode =
  | { kind: 'outcome'; id: string }
  | { kind: 'class'; id: string; cls: CheckClass }
  | { kind: 'section'; id: string; cls: CheckClass; section: string }
  | { kind: 'check'; id: string; check: CheckResult }
  | { kind: 'field'; id: string; check: CheckResult; encoding: number };

interface Checked {
  uri: vscode.Uri;
  input: VmcsInput;
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

export class EntryChecks implements vscode.TreeDataProvider<EntryNode>, vscode.HoverProvider, vscode.CodeActionProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EntryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly collection = vscode.languages.createDiagnosticCollection('vmcs-entry');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checked = new Map<string, Checked>();
  /** Documents checked on request that are not state or dump files by name (untitled editors, pasted text). */
  private readonly asked = new Set<string>();
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
        for (const d of vscode.workspace.textDocuments) if (this.isInput(d)) this.check(d);
      }),
    );
  }

  static isState(doc: vscode.TextDocument): boolean {
    return doc.uri.path.endsWith(STATE_SUFFIX);
  }
  static isDump(doc: vscode.TextDocument): boolean {
    return doc.uri.path.endsWith(DUMP_SUFFIX) || doc.languageId === 'vmcsdump';
  }
  isInput(doc: vscode.TextDocument): boolean {
    return EntryChecks.isState(doc) || EntryChecks.isDump(doc) || this.asked.has(doc.uri.toString());
  }

  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (!this.isInput(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) this.check(doc);
    }, delay));
  }

  /** Checks a state or dump document: diagnostics for failing checks, unread dump lines, or the state file's error. */
  check(doc: vscode.TextDocument): Checked | undefined {
    const loaded = this.ctx.store.now;
    if (!loaded) return undefined;
    const text = doc.getText();
    let input: VmcsInput;
    try {
      input = readInput(text, vscode.workspace.asRelativePath(doc.uri), EntryChecks.isState(doc) ? 'vmcs-state' : undefined);
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      const line = stateErrorLine(e.message) - 1;
      const d = new vscode.Diagnostic(doc.lineAt(Math.min(line, doc.lineCount - 1)).range, e.message.replace(/^[^:]*:\d+(:\d+)?: /, ''), vscode.DiagnosticSeverity.Error);
      d.source = 'VMCS';
      this.collection.set(doc.uri, [d]);
      return undefined;
    }
    const report = checkEntry({ fields: input.fields, msrLoad: input.msrLoad }, entryCaps(loaded.caps), cpuFacts(loaded.caps));
    const c: Checked = { uri: doc.uri, input, text, report, source: loaded.source.id };
    this.checked.set(doc.uri.toString(), c);
    this.collection.set(doc.uri, this.diagnostics(doc, c));
    this.show(c);
    return c;
  }

  private diagnostics(doc: vscode.TextDocument, c: Checked): vscode.Diagnostic[] {
    const whole = () => doc.lineAt(Math.max(0, (lineOf(c.text, ['fields']) ?? 1) - 1)).range;
    return entryFindings(c.input, c.report).map((f) => {
      const range = f.line !== undefined ? doc.lineAt(Math.min(f.line, doc.lineCount) - 1).range : f.spot && f.spot.line <= doc.lineCount ? new vscode.Range(f.spot.line - 1, f.spot.start, f.spot.line - 1, f.spot.end) : whole();
      const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
      d.source = 'VMCS';
      d.code = f.code;
      return d;
    });
  }

  /** The field whose value (or key) is at a position of a checked document. */
  private fieldAt(doc: vscode.TextDocument, position: vscode.Position): { c: Checked; encoding: number; range: vscode.Range } | undefined {
    const c = this.checked.get(doc.uri.toString());
    const at = c && fieldAt(c.input, position.line, position.character);
    if (!at) return undefined;
    return { c: c!, encoding: at.encoding, range: new vscode.Range(at.spot.line - 1, at.spot.start, at.spot.line - 1, at.spot.end) };
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const at = this.fieldAt(doc, position);
    const loaded = this.ctx.store.now;
    if (!at || !loaded) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(entryValueMarkdown(at.c.input, at.c.report, at.encoding, loaded.caps, loaded.source.id)), at.range);
  }

  /** Quick fix: copy the value the masks make of a field a mask check rejects. */
  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const c = this.checked.get(doc.uri.toString());
    const loaded = this.ctx.store.now;
    if (!c || !loaded) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const check = c.report.checks.find((k) => k.id === d.code);
      const corrected = check && correctedValue(check.id, check.fields[0], c.input.fields, entryCaps(loaded.caps));
      if (corrected === undefined) continue;
      const action = new vscode.CodeAction(vscode.l10n.t('Copy the value the masks allow: {0}', hex(corrected)), vscode.CodeActionKind.QuickFix);
      action.command = { command: 'vmcsInspector.copyText', title: action.title, arguments: [hex(corrected)] };
      action.diagnostics = [d];
      actions.push(action);
    }
    return actions;
  }

  private show(c: Checked): void {
    this.shown = c;
    void vscode.commands.executeCommand('setContext', 'vmcsInspector.entryChecked', true);
    this.changed.fire(undefined);
  }

  /** The command: a selection, the active state or dump document (or an untitled one), the clipboard, or a file. */
  async command(arg?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    let doc: vscode.TextDocument | undefined;
    if (arg instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(arg);
    else if (editor && !editor.selection.isEmpty) doc = await this.pasted(editor.document.getText(editor.selection));
    else if (editor && this.isInput(editor.document)) doc = editor.document;
    else if (editor?.document.isUntitled) doc = await this.asDump(editor.document);
    else {
      const uri = await this.pick();
      if (uri === 'clipboard') doc = await this.pasted(await vscode.env.clipboard.readText());
      else if (uri) doc = await vscode.workspace.openTextDocument(uri);
    }
    if (!doc) return;
    if (!EntryChecks.isState(doc) && !EntryChecks.isDump(doc)) this.asked.add(doc.uri.toString());
    await vscode.window.showTextDocument(doc, { preview: false });
    if (!(await this.ctx.store.current())) return void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: no capability source is available: {0}', this.ctx.store.lastError ?? ''));
    const c = this.check(doc);
    if (!c) return void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: {0} is not a valid VMCS state file; see the Problems panel.', vscode.workspace.asRelativePath(doc.uri)));
    if (!c.input.fields.size) return void vscode.window.showErrorMessage(`VMCS: ${nothingRead(vscode.workspace.asRelativePath(doc.uri), c.input)}`);
    await vscode.commands.executeCommand('vmcsInspector.entryChecks.focus');
    const { fail, notChecked } = c.report.counts;
    const read = c.input.warnings.length ? vscode.l10n.t(', {0} lines not read', c.input.warnings.length) : '';
    const reported = reportedOutcome(c.input.fields, c.report.outcome);
    const said = reported && !reported.agrees ? `; ${reported.text}` : '';
    const message = vscode.l10n.t('VMCS on {0}: {1} ({2} failing, {3} not checked{4}){5}', c.source, outcomeText(c.report.outcome), fail, notChecked, read, said);
    if (fail) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
  }

  /**
   * An untitled editor the user pasted a dump into becomes a VMCS dump (or JSON for a state), the languages the hovers
   * and quick fixes are registered for: whatever language detection guessed for pasted console text (log, ini…).
   */
  private async asDump(doc: vscode.TextDocument): Promise<vscode.TextDocument> {
    const language = /^\s*\{/.test(doc.getText()) ? 'json' : 'vmcsdump';
    return doc.languageId === language ? doc : vscode.languages.setTextDocumentLanguage(doc, language);
  }

  /** Pasted text in an untitled dump editor, where hovers and diagnostics can show. */
  private async pasted(text: string): Promise<vscode.TextDocument | undefined> {
    if (!text.trim()) return void vscode.window.showWarningMessage(vscode.l10n.t('VMCS: there is no text to check.'));
    return vscode.workspace.openTextDocument({ language: /^\s*\{/.test(text) ? 'json' : 'vmcsdump', content: text });
  }

  private async pick(): Promise<vscode.Uri | 'clipboard' | undefined> {
    const files = await vscode.workspace.findFiles(`**/*{${STATE_SUFFIX},${DUMP_SUFFIX}}`, '**/node_modules/**', 200);
    const browse = vscode.l10n.t('Browse…');
    const items: { label: string; uri?: vscode.Uri | 'clipboard' }[] = [
      { label: vscode.l10n.t('$(clippy) The clipboard (a pasted dump)'), uri: 'clipboard' },
      ...files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
      { label: browse },
    ];
    const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('VMCS state or dump to check') });
    if (!chosen) return undefined;
    if (chosen.uri) return chosen.uri;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'VMCS state or dump': ['json', 'vmcsdump', 'txt', 'log'] } });
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
    const value = c.input.fields.get(n.encoding);
    const item = new vscode.TreeItem(record?.name ?? hex(BigInt(n.encoding), 4), None);
    item.description = value === undefined ? vscode.l10n.t('absent') : hex(value);
    const spot = c.input.spots.get(n.encoding);
    if (spot) {
      const at = new vscode.Range(spot.line - 1, spot.start, spot.line - 1, spot.end);
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Show Field'), arguments: [c.uri, { selection: at }] };
    }
    return item;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

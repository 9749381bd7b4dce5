// Diagnostics on constant VMCS writes the current masks reject, refreshed on edit (debounced) and on a source
// change; quick fixes replace the value with the adjusted one or wrap it in the file's own adjust helper.
import * as vscode from 'vscode';
import { diagnose, type Finding, type SeverityPolicy } from '../core/source/diagnose';
import { hex } from '../core/catalogue/hex';
import type { Ctx } from './ctx';
import { LANGUAGES } from './hover';

const DEBOUNCE_MS = 300;

const SEVERITY: Readonly<Record<string, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

interface Stored {
  diagnostic: vscode.Diagnostic;
  finding: Finding;
}

export class VmcsDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly collection = vscode.languages.createDiagnosticCollection('vmcs');
  private readonly findings = new Map<string, Stored[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly tooLarge = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      ctx.store.onDidChange(() => this.refreshAll()),
      vscode.workspace.onDidChangeConfiguration((e) => ctx.config.affects(e, 'diagnostics', 'accessors') && this.refreshAll()),
      vscode.languages.registerCodeActionsProvider(LANGUAGES.map((language) => ({ language })), this, VmcsDiagnostics.metadata),
    );
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!LANGUAGES.includes(doc.languageId)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.update(doc);
    }, delay));
  }

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.findings.delete(uri.toString());
  }

  private update(doc: vscode.TextDocument): void {
    const { config } = this.ctx;
    // The value and read-only settings name the severity of "fails as written"; a write to a missing field has its own.
    const policy = { value: config.diagnosticsSeverity, readOnly: config.diagnosticsSeverity, missingField: config.missingFieldSeverity } as SeverityPolicy;
    const loaded = this.ctx.store.now;
    if (doc.isClosed || !loaded) return this.clear(doc.uri);
    const scan = this.ctx.scans.get(doc);
    if (!scan) {
      this.clear(doc.uri);
      if (!this.tooLarge.has(doc.uri.toString())) {
        this.tooLarge.add(doc.uri.toString());
        void vscode.window.showInformationMessage(
          vscode.l10n.t('VMCS: {0} is larger than vmcsInspector.diagnostics.maxFileSize ({1} bytes) and is not checked.', vscode.workspace.asRelativePath(doc.uri), this.ctx.config.maxFileSize),
        );
      }
      return;
    }
    const findings = diagnose(scan.result, loaded.caps, loaded.source.id, policy, this.ctx.store.targets).filter((f) => SEVERITY[f.severity] !== undefined);
    const stored = findings.map((finding) => {
      const range = new vscode.Range(doc.positionAt(finding.write.value.start), doc.positionAt(finding.write.value.end));
      const diagnostic = new vscode.Diagnostic(range, finding.message, SEVERITY[finding.severity]);
      diagnostic.source = 'VMCS';
      diagnostic.code = finding.kind;
      return { diagnostic, finding };
    });
    this.findings.set(doc.uri.toString(), stored);
    this.collection.set(doc.uri, stored.map((s) => s.diagnostic));
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, finding } of this.findings.get(doc.uri.toString()) ?? []) {
      if (!diagnostic.range.intersection(range)) continue;
      const fix = (title: string, text: string, preferred: boolean) => {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, diagnostic.range, text);
        action.diagnostics = [diagnostic];
        action.isPreferred = preferred;
        actions.push(action);
      };
      if (finding.adjusted !== undefined) fix(vscode.l10n.t('Replace with the adjusted value {0}', hex(finding.adjusted)), hex(finding.adjusted), true);
      if (finding.wrapped) fix(vscode.l10n.t('Wrap in {0}', finding.wrapped), finding.wrapped, false);
    }
    return actions;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

// Entry point: wires the glue together. Capabilities load in the background; hovers wait for them.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerEntryChecks } from './entry-view';
import { Ctx } from './ctx';
import { VmcsDiagnostics } from './diagnostics';
import { LANGUAGES, VmcsHoverProvider } from './hover';
import { registerStatus } from './status';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const ctx = new Ctx(context);
  ctx.subscribe(vscode.languages.registerHoverProvider(LANGUAGES.map((language) => ({ language })), new VmcsHoverProvider(ctx)));
  registerCommands(ctx);
  ctx.subscribe(new VmcsDiagnostics(ctx));
  registerEntryChecks(ctx);
  registerStatus(ctx);
  ctx.subscribe(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (ctx.config.affects(e, 'source', 'snapshotPath', 'profile', 'hvf', 'kvm', 'msr', 'probe')) void ctx.store.reload();
      if (ctx.config.affects(e, 'targets')) void ctx.store.reloadTargets();
      if (ctx.config.affects(e, 'namingScheme')) ctx.tree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void ctx.store.reload()),
  );
  void ctx.store.reload();
  // The targets are many capability sets: read after activation, not during it.
  if (ctx.config.targets.length) setTimeout(() => void ctx.store.reloadTargets(), 0);
  ctx.log.info(`activated in ${(performance.now() - t0).toFixed(2)} ms (trusted: ${vscode.workspace.isTrusted})`);
  revealOnFirstRun(context);
}

/** The first activation ever shows the VMCS view once, so that a new user sees what the extension does. */
function revealOnFirstRun(context: vscode.ExtensionContext): void {
  const KEY = 'vmcsInspector.viewShown';
  if (context.globalState.get(KEY)) return;
  void context.globalState.update(KEY, true);
  void vscode.commands.executeCommand('workbench.view.extension.vmcsInspector');
}

export function deactivate(): void {}

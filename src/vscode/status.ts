// Status bar: the current capability source (a snapshot by its file name; the tooltip has the whole path), progress
// while a probe runs, a link to change the source.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { trustedMarkdown } from './links';
import { sourceLine } from '../core/render/markdown';
import { sourceStatus } from '../core/render/source-name';
import type { Fleet } from '../core/caps/fleet';

/** The fleet in a few words: "targets: all (34)", "targets: Tiger Lake i5-1135G7, Yonah T2600", "5 targets". */
function fleetName(specs: readonly string[], targets: Fleet): string {
  if (specs.length === 1 && specs[0] === 'all') return vscode.l10n.t('targets: all ({0})', targets.length);
  if (targets.length <= 2) return vscode.l10n.t('targets: {0}', targets.map((t) => t.label).join(', '));
  return vscode.l10n.t('{0} targets', targets.length);
}

export function registerStatus(ctx: Ctx): void {
  const item = vscode.window.createStatusBarItem('vmcsInspector.source', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('VMCS capability source');
  item.command = 'vmcsInspector.selectSource';
  const update = () => {
    const loaded = ctx.store.now;
    const targets = ctx.store.targets;
    if (ctx.store.loading) item.text = `$(loading~spin) VMCS: ${vscode.l10n.t('reading…')}`;
    else if (loaded) item.text = `$(circuit-board) VMCS: ${sourceStatus(loaded.source.id)}${ctx.store.restricted ? ' $(shield)' : ''}${targets ? ` · ${fleetName(ctx.config.targets, targets)}` : ''}`;
    else item.text = `$(error) VMCS: ${vscode.l10n.t('no source')}`;
    const lines = loaded ? [sourceLine(loaded.source.id, loaded.caps.snapshot), '', ...loaded.reasons.map((r) => `- ${r}`)] : [];
    if (targets) lines.push('', `${vscode.l10n.t('Target CPUs (vmcsInspector.targets)')}: ${targets.map((t) => t.label).join(', ')}`);
    if (ctx.store.lastError) lines.push('', `$(error) ${ctx.store.lastError}`);
    lines.push('', `[$(gear) ${vscode.l10n.t('Change source')}](command:vmcsInspector.selectSource)`);
    item.tooltip = trustedMarkdown(lines.join('\n'));
    void vscode.commands.executeCommand('setContext', 'vmcsInspector.state', ctx.store.state);
  };
  ctx.subscribe(item, ctx.store.onDidChange(update));
  update();
  item.show();
}

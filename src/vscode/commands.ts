// The "VMCS" commands. Domain work stays in src/core; these only ask, call and show.
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { CapabilitySet } from '../core/caps/capset';
import { catalogue, type FieldRecord } from '../core/catalogue/catalogue';
import { compareCaps } from '../core/caps/compare';
import { hex, parseInteger } from '../core/catalogue/hex';
import { diffText } from '../core/render/text';
import { checkValue, fieldReport } from '../core/render/report';
import { parseSnapshot, serializeSnapshot } from '../core/caps/snapshot';
import { importedSnapshot, importMsrs, lackingMsrs, looksImportable } from '../core/caps/import';
import type { Ctx } from './ctx';
import { pickField, pickSource } from './pick';
import type { Node } from './tree';

/** Commands get a field as an encoding string (hover links), a tree node, or nothing (then they ask). */
function recordOf(arg: unknown): FieldRecord | undefined {
  if (typeof arg === 'string') return catalogue().find(arg);
  if (arg && typeof arg === 'object' && 'record' in arg) return (arg as Extract<Node, { record: FieldRecord }>).record;
  return undefined;
}

async function requireLoaded(ctx: Ctx) {
  const loaded = await ctx.store.current();
  if (!loaded) void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: no capability source is available: {0}', ctx.store.lastError ?? ''));
  return loaded;
}

async function lookUpField(ctx: Ctx) {
  const record = await pickField(ctx, vscode.l10n.t('VMCS field: any name (Apple, Linux, Xen, bhyve, …) or encoding'));
  if (record) await ctx.tree.reveal(record);
}

async function checkValueCommand(ctx: Ctx, arg?: unknown) {
  const record = recordOf(arg) ?? (await pickField(ctx, vscode.l10n.t('Field to check a value against')));
  if (!record) return;
  const loaded = await requireLoaded(ctx);
  if (!loaded) return;
  const report = fieldReport(record, loaded.caps.of(record));
  const input = await vscode.window.showInputBox({
    title: vscode.l10n.t('Check a value for {0} ({1})', record.name, record.hex),
    prompt: vscode.l10n.t('Value to write: 0x hex, 0b binary or decimal'),
    validateInput: (text) => {
      const v = parseInteger(text);
      if ('error' in v) return v.error;
      return v.value >> BigInt(report.bits) ? vscode.l10n.t('does not fit the {0}-bit field', report.bits) : undefined;
    },
  });
  if (input === undefined) return;
  const value = (parseInteger(input) as { value: bigint }).value;
  const result = checkValue(report, value);
  if (!result) return void vscode.window.showWarningMessage(vscode.l10n.t('VMCS: {0} gives no masks for {1}', loaded.source.id, record.name));
  const adjusted = hex(result.adjusted);
  const copy = vscode.l10n.t('Copy Adjusted Value');
  const message = result.violations.length
    ? vscode.l10n.t(
        '{0} = {1} violates the masks of {2}: {3}. Adjusted: {4}',
        record.name,
        hex(value),
        loaded.source.id,
        result.violations.map((v) => `bit ${v.bit}${v.name ? ` (${v.name})` : ''} ${v.state.replace(/-/g, ' ')}`).join(', '),
        adjusted,
      )
    : vscode.l10n.t('{0} = {1} satisfies the masks of {2}.', record.name, hex(value), loaded.source.id);
  const pick = await (result.violations.length ? vscode.window.showWarningMessage(message, copy) : vscode.window.showInformationMessage(message));
  if (pick === copy) await vscode.env.clipboard.writeText(adjusted);
}

async function copyMasks(ctx: Ctx, arg?: unknown) {
  const record = recordOf(arg);
  const loaded = await requireLoaded(ctx);
  if (!record || !loaded) return;
  const m = loaded.caps.of(record).masks;
  if (!m) return void vscode.window.showWarningMessage(vscode.l10n.t('VMCS: masks of {0} are unknown for {1}', record.name, loaded.source.id));
  await vscode.env.clipboard.writeText(`${record.hex} ${record.name}: allowed0 ${hex(m.allowed0)} allowed1 ${hex(m.allowed1)}`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the masks of {0}', record.name), 3000);
}

async function saveSnapshot(ctx: Ctx) {
  const loaded = await requireLoaded(ctx);
  if (!loaded) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${loaded.source.id.replace(/[^A-Za-z0-9._-]+/g, '-')}.vmcs.json`;
  const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { 'VMCS snapshot': ['vmcs.json', 'json'] } });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeSnapshot(loaded.caps.snapshot)));
  void vscode.window.showInformationMessage(vscode.l10n.t('VMCS: saved the capabilities of {0} to {1}', loaded.source.id, uri.fsPath));
}

async function openSnapshot(title: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'VMCS snapshot': ['json'] } });
  return picked?.[0];
}

async function loadSnapshot(ctx: Ctx) {
  const uri = await openSnapshot(vscode.l10n.t('Load a VMCS snapshot'));
  if (!uri) return;
  try {
    parseSnapshot(await fs.readFile(uri.fsPath, 'utf8'), uri.fsPath);
  } catch (e) {
    return void vscode.window.showErrorMessage(`VMCS: ${(e as Error).message}`);
  }
  await ctx.config.update('snapshotPath', uri.fsPath);
  await ctx.config.update('source', 'snapshot');
}

/**
 * A snapshot from a VBox.log, an AIDA64 MSR dump or an rdmsr list: the active editor's text when it is one, else a
 * picked file; written where the user says, then offered as the source or as a target.
 */
async function importCapabilities(ctx: Ctx) {
  const active = vscode.window.activeTextEditor?.document;
  let text: string | undefined;
  let from: string;
  if (active && looksImportable(active.getText())) {
    text = active.getText();
    from = active.isUntitled ? vscode.l10n.t('the editor') : active.uri.fsPath;
  } else {
    const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('Import capabilities from a VBox.log, an AIDA64 MSR dump or an rdmsr list'), canSelectMany: false });
    if (!picked?.[0]) return;
    from = picked[0].fsPath;
  }
  let imported;
  try {
    text ??= await fs.readFile(from, 'utf8');
    imported = importMsrs(text, from);
  } catch (e) {
    return void vscode.window.showErrorMessage(`VMCS: ${(e as Error).message}`);
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = from.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'imported';
  const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.vmcs.json`) : undefined, filters: { 'VMCS snapshot': ['vmcs.json', 'json'] } });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeSnapshot(importedSnapshot(imported, from))));
  const { unknown } = lackingMsrs(imported);
  for (const w of imported.warnings) ctx.log.warn(`${from}:${w.line}: ${w.message}`);
  const useIt = vscode.l10n.t('Use as Source');
  const target = vscode.l10n.t('Add to Targets');
  const pick = await vscode.window.showInformationMessage(
    vscode.l10n.t('VMCS: imported {0} VMX capability MSRs ({1}) to {2}{3}', imported.msrs.size, imported.origin ?? imported.format, vscode.workspace.asRelativePath(uri), unknown.length ? vscode.l10n.t('; unknown: {0}', unknown.map((i) => hex(BigInt(i))).join(', ')) : ''),
    useIt,
    target,
  );
  if (pick === useIt) {
    await ctx.config.update('snapshotPath', uri.fsPath);
    await ctx.config.update('source', 'snapshot');
  } else if (pick === target) {
    await ctx.config.update('targets', [...ctx.config.targets, uri.fsPath]);
  }
}

async function compareWithSnapshot(ctx: Ctx) {
  const loaded = await requireLoaded(ctx);
  if (!loaded) return;
  const uri = await openSnapshot(vscode.l10n.t('Compare the current capabilities with a snapshot'));
  if (!uri) return;
  let other: CapabilitySet;
  try {
    other = new CapabilitySet(parseSnapshot(await fs.readFile(uri.fsPath, 'utf8'), uri.fsPath));
  } catch (e) {
    return void vscode.window.showErrorMessage(`VMCS: ${(e as Error).message}`);
  }
  const content = diffText(loaded.source.id, `snapshot:${uri.fsPath}`, compareCaps(loaded.caps, other));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'plaintext' }), { preview: true });
}

async function showInTree(ctx: Ctx, encoding?: unknown, bit?: unknown) {
  const record = recordOf(encoding) ?? (await pickField(ctx, vscode.l10n.t('Field to show')));
  if (record) await ctx.tree.reveal(record, typeof bit === 'number' ? bit : undefined);
}

async function findField(ctx: Ctx) {
  const record = await pickField(ctx, vscode.l10n.t('Find a field in the tree'));
  if (record) await ctx.tree.reveal(record);
}

export function registerCommands(ctx: Ctx): void {
  const table: Record<string, (...args: unknown[]) => unknown> = {
    lookUpField: () => lookUpField(ctx),
    checkValue: (arg) => checkValueCommand(ctx, arg),
    selectSource: () => pickSource(ctx),
    refresh: () => ctx.store.reload(),
    saveSnapshot: () => saveSnapshot(ctx),
    loadSnapshot: () => loadSnapshot(ctx),
    importCapabilities: () => importCapabilities(ctx),
    compareWithSnapshot: () => compareWithSnapshot(ctx),
    findField: () => findField(ctx),
    showConstrainedOnly: () => ctx.tree.setConstrainedOnly(true),
    showAllFields: () => ctx.tree.setConstrainedOnly(false),
    showInTree: (encoding, bit) => showInTree(ctx, encoding, bit),
    copyMasks: (arg) => copyMasks(ctx, arg),
  };
  for (const [name, run] of Object.entries(table)) ctx.subscribe(vscode.commands.registerCommand(`vmcsInspector.${name}`, run));
}

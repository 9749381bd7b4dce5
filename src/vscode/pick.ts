// Quick picks shared by the commands: a field by any name or encoding, and a capability source.
import * as vscode from 'vscode';
import { allProfiles } from '../capabilities/profile';
import { sourceFromSpec } from '../capabilities/service';
import { catalogue, type FieldRecord } from '../core/catalogue/catalogue';
import { constraintSummary, fieldPickRow } from '../core/render/text';
import { fieldReport } from '../core/render/report';
import { hex } from '../core/catalogue/hex';
import { referenceName } from '../core/render/source-name';
import type { Ctx } from './ctx';

interface FieldItem extends vscode.QuickPickItem {
  record: FieldRecord;
}

/** Every field (full and high halves); the filter matches the label, the encoding and every distinct name. */
export async function pickField(ctx: Ctx, placeHolder: string): Promise<FieldRecord | undefined> {
  const loaded = await ctx.store.current();
  const cat = catalogue();
  const items: FieldItem[] = cat.records.map((record) => {
    const label = ctx.tree.label(record);
    const row = fieldPickRow(record, cat, label);
    let masks = '';
    if (loaded) {
      const r = fieldReport(record, loaded.caps.of(record));
      const m = r.caps.masks;
      masks = `${m ? `allowed0 ${hex(m.allowed0, r.bits / 4)}  allowed1 ${hex(m.allowed1, r.bits / 4)}  ` : ''}${constraintSummary(r)}`;
    }
    return { label, description: row.description, detail: [masks, row.schemes].filter(Boolean).join('  ·  '), record };
  });
  const pick = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: false });
  return pick?.record;
}

interface SourceItem extends vscode.QuickPickItem {
  setting?: { source: string; profile?: string };
  browse?: boolean;
}

export async function pickSource(ctx: Ctx): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  const choice = ctx.config.sourceChoice();
  const hardware = await Promise.all(
    (['hvf', 'kvm', 'msr'] as const).map(async (kind): Promise<SourceItem> => {
      if (!trusted) return { label: kind, description: vscode.l10n.t('not in Restricted Mode'), detail: vscode.l10n.t('Trust the workspace to read capabilities from the hardware.') };
      const src = sourceFromSpec(kind, choice.options);
      const a = await src.availability();
      return { label: `${a.available ? '$(pass)' : '$(circle-slash)'} ${kind}`, description: src.label, detail: a.reason ?? vscode.l10n.t('available'), setting: { source: kind } };
    }),
  );
  const items: SourceItem[] = [
    { label: '$(sparkle) auto', description: vscode.l10n.t('the best available source'), setting: { source: 'auto' } },
    ...hardware,
    { label: '$(file) ' + vscode.l10n.t('Snapshot file…'), description: '*.vmcs.json', browse: true },
    { label: vscode.l10n.t('Embedded profiles'), kind: vscode.QuickPickItemKind.Separator },
    ...allProfiles().map(({ id, snapshot: { source } }) => ({
      label: `$(chip) ${source.name ?? id}`,
      description: [source.generation, id].filter(Boolean).join(' · '),
      detail: [source.cpu, source.reference && referenceName(source.reference)].filter(Boolean).join('  ·  '),
      setting: { source: 'profile', profile: id },
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Where should the VMCS masks come from?'), matchOnDescription: true, matchOnDetail: true });
  if (!pick) return;
  if (pick.browse) return void vscode.commands.executeCommand('vmcsInspector.loadSnapshot');
  if (!pick.setting) return;
  if (pick.setting.profile) await ctx.config.update('profile', pick.setting.profile);
  await ctx.config.update('source', pick.setting.source);
}

// `vmcs check <state-file|dump|->`: every VM-entry check on a VMCS state or dump against the source's capabilities.
import { checkEntry } from '../core/entry/engine';
import { cpuFacts, entryCaps } from '../core/entry/caps';
import { nothingRead, readInput as readVmcs } from '../core/dump/input';
import { checkJson, sourceJson } from '../core/render/json';
import { checkText, sourceText } from '../core/render/text';
import { loadSource, printJson, readText, type Context } from './context';
import { UsageError } from './errors';

const FORMATS = ['vmcs-state', 'kvm', 'xen', 'list'] as const;

export function formatOption(value: string | undefined): (typeof FORMATS)[number] | undefined {
  if (value === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format ${JSON.stringify(value)}: expected one of ${FORMATS.join(', ')}`);
  return value as (typeof FORMATS)[number];
}

export async function check(ctx: Context): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('check takes one state file (*.vmcs-state.json) or dump, or - for stdin');
  const path = ctx.args[0];
  const read = readVmcs(readText(path), path === '-' ? '<stdin>' : path, formatOption(ctx.options.format));
  if (!read.fields.size) throw new UsageError(nothingRead(path === '-' ? '<stdin>' : path, read));
  const { source, reasons, caps } = await loadSource(ctx);
  const report = checkEntry({ fields: read.fields, msrLoad: read.msrLoad }, entryCaps(caps), cpuFacts(caps));
  const input = { path, format: read.format, fields: read.fields, warnings: read.warnings };
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), ...checkJson(report, input) });
  else ctx.out(`${sourceText(source.id, caps.snapshot, reasons)}\n${checkText(report, input)}`);
  return report.counts.fail ? 1 : 0;
}

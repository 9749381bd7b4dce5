// `vmcs check <state-file|->`: every VM-entry check on a VMCS state against the source's capabilities.
import { readFileSync } from 'node:fs';
import { checkEntry } from '../core/entry/engine';
import { cpuFacts, entryCaps } from '../core/entry/caps';
import { parseState, STATE_FORMAT } from '../core/entry/state-file';
import { checkJson, sourceJson } from '../core/render/json';
import { checkText, sourceText } from '../core/render/text';
import { loadSource, printJson, type Context } from './context';
import { UsageError } from './errors';

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path === '-' ? 'stdin' : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function check(ctx: Context): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('check takes one state file (*.vmcs-state.json), or - for stdin');
  const path = ctx.args[0];
  const state = parseState(readInput(path), path === '-' ? '<stdin>' : path);
  const { source, reasons, caps } = await loadSource(ctx);
  const report = checkEntry({ fields: state.fields, msrLoad: state.msrLoad }, entryCaps(caps), cpuFacts(caps));
  const input = { path, format: STATE_FORMAT, fields: state.fields, warnings: [] };
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), ...checkJson(report, input) });
  else ctx.out(`${sourceText(source.id, caps.snapshot, reasons)}\n${checkText(report, { path, format: STATE_FORMAT, fields: state.fields.size })}`);
  return report.counts.fail ? 1 : 0;
}

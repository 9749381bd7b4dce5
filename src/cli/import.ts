// `vmcs import <file> [-o <snapshot>]`: a snapshot from a VBox.log, an AIDA64 MSR dump or an rdmsr list.
import { writeFileSync } from 'node:fs';
import { hex } from '../core/catalogue/hex';
import { importedSnapshot, importMsrs, lackingMsrs } from '../core/caps/import';
import { serializeSnapshot } from '../core/caps/snapshot';
import { readText, type Context } from './context';
import { UsageError } from './errors';

export async function importCommand(ctx: Context): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('import takes one file (a VBox.log, vmxcap output, an AIDA64 MSR dump or an rdmsr list), or - for stdin');
  const path = ctx.args[0];
  const text = readText(path);
  const imported = importMsrs(text, path);
  const json = serializeSnapshot(importedSnapshot(imported, path === '-' ? 'stdin' : path));
  if (ctx.options.output) writeFileSync(ctx.options.output, json);
  else ctx.out(json.trimEnd());
  const { absent, unknown } = lackingMsrs(imported);
  const list = (xs: number[]) => xs.map((i) => hex(BigInt(i))).join(', ');
  ctx.err(`vmcs: read ${imported.msrs.size} VMX capability MSRs (${imported.origin ?? imported.format})${absent.length ? `; the CPU lacks ${list(absent)}` : ''}${unknown.length ? `; not in the input, so unknown: ${list(unknown)}` : ''}`);
  for (const w of imported.warnings) ctx.err(`vmcs: ${path}:${w.line}: ${w.message}`);
  return 0;
}

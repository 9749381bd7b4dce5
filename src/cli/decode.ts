// `vmcs decode`: a field's value (or a whole dump) with every bit or sub-field named; VM-instruction errors, exit
// reasons and exit qualifications by number.
import { decodeExitReason, decodeField, decodeInstructionError, decodeQualification, hasDecoder, type Decoded } from '../core/decode/decode';
import { nothingRead, readInput } from '../core/dump/input';
import { catalogue } from '../core/catalogue/catalogue';
import { hex, parseInteger } from '../core/catalogue/hex';
import { decodedJson, sourceJson } from '../core/render/json';
import { decodedText, sourceText } from '../core/render/text';
import { formatOption } from './check';
import { loadSource, printJson, readText, resolveField, type Context } from './context';
import { UsageError } from './errors';

function number(text: string | undefined, what: string): bigint {
  if (text === undefined) throw new UsageError(`decode ${what}: a value is missing`);
  const v = parseInteger(text);
  if ('error' in v) throw new UsageError(`decode ${what}: ${v.error}`);
  return v.value;
}

export async function decode(ctx: Context): Promise<number> {
  const [what, a, b] = ctx.args;
  if (!what) throw new UsageError('decode takes <field> <value>, error <n>, exit-reason <v>, qualification <exit-reason> <v>, or a dump file');
  const print = (label: string, d: Decoded, field?: { encoding: number; name: string }) => (ctx.options.json ? printJson(ctx, decodedJson(d, field)) : ctx.out(decodedText(label, d)));
  if (what === 'error') return print('VM-instruction error', decodeInstructionError(number(a, 'error'))), 0;
  if (what === 'exit-reason') return print('exit reason', decodeExitReason(number(a, 'exit-reason'))), 0;
  if (what === 'qualification') return print('exit qualification', decodeQualification(number(a, 'qualification'), number(b, 'qualification'))), 0;
  if (a !== undefined) {
    const record = resolveField(what);
    const value = number(a, record.name);
    const { caps } = await loadSource(ctx);
    const d = decodeField(record, value, { masks: caps.of(record).masks });
    if (!d) throw new UsageError(`${record.name} (${record.hex}) is a plain value with no bits to decode`);
    return print(`${record.name} (${record.hex})`, d, record), 0;
  }
  // A dump or state file: every field it holds, decoded where the field has a layout.
  const text = readText(what, ' (decode takes <field> <value> or a dump file)');
  const input = readInput(text, what === '-' ? '<stdin>' : what, formatOption(ctx.options.format));
  if (!input.fields.size) throw new UsageError(nothingRead(what === '-' ? '<stdin>' : what, input));
  const { source, reasons, caps } = await loadSource(ctx);
  const exitReason = input.fields.get(0x4402);
  const rows = [...input.fields].sort((x, y) => x[0] - y[0]).map(([encoding, value]) => {
    const record = catalogue().byEncodingNumber(encoding)!;
    const d = hasDecoder(record) ? decodeField(record, value, { exitReason, masks: caps.of(record).masks }) : undefined;
    return { record, value, d };
  });
  if (ctx.options.json) {
    printJson(ctx, {
      source: sourceJson(source.id, caps.snapshot, reasons),
      input: { path: what, format: input.format, warnings: input.warnings },
      fields: rows.map((r) => (r.d ? decodedJson(r.d, r.record) : { field: { encoding: r.record.hex, name: r.record.name }, value: hex(r.value) })),
    });
    return 0;
  }
  const out = [sourceText(source.id, caps.snapshot, reasons), `input: ${what} (${input.format}, ${input.fields.size} fields)`];
  for (const w of input.warnings) out.push(`warning: line ${w.line}: ${w.message}`);
  for (const r of rows) out.push(r.d ? decodedText(`${r.record.name} (${r.record.hex})`, r.d) : `${r.record.name} (${r.record.hex}) = ${hex(r.value)}`);
  ctx.out(out.join('\n'));
  return 0;
}

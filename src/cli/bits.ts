import { parseInteger } from '../core/catalogue/hex';
import { checkValue, fieldReport } from '../core/render/report';
import { acrossBitsJson, bitsJson, sourceJson } from '../core/render/json';
import { acrossBitsText, bitsText, sourceText } from '../core/render/text';
import { loadFleet, loadSource, printJson, resolveField, type Context } from './context';
import { FailedError, UsageError } from './errors';

/** `vmcs bits <field> [--value v]`: the state of every bit, and with a value its violations and adjusted value. */
export async function bits(ctx: Context): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('bits takes exactly one field name or encoding');
  const record = resolveField(ctx.args[0]);
  let value: bigint | undefined;
  if (ctx.options.value !== undefined) {
    const parsed = parseInteger(ctx.options.value);
    if ('error' in parsed) throw new UsageError(`--value ${parsed.error}`);
    value = parsed.value;
  }
  const fleet = await loadFleet(ctx);
  if (fleet) {
    if (ctx.options.json) printJson(ctx, acrossBitsJson(record, fleet, value));
    else ctx.out(acrossBitsText(record, fleet, value));
    return 0;
  }
  const { source, reasons, caps } = await loadSource(ctx);
  const report = fieldReport(record, caps.of(record));
  if (value !== undefined && value >> BigInt(report.bits) !== 0n) {
    throw new UsageError(`--value ${ctx.options.value} does not fit the ${report.bits}-bit field ${record.name} (${record.hex})`);
  }
  const check = value === undefined ? null : checkValue(report, value);
  if (value !== undefined && !check) throw new FailedError(`${source.id} gives no masks for ${record.name} (${record.hex}): cannot check a value`);
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), ...bitsJson(report, check) });
  else ctx.out(`${sourceText(source.id, caps.snapshot, reasons)}\n\n${bitsText(report, check)}`);
  return 0;
}

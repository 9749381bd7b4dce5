import { catalogue } from '../core/catalogue/catalogue';
import { fieldReport } from '../core/render/report';
import { masksJson, sourceJson } from '../core/render/json';
import { masksText, sourceText } from '../core/render/text';
import { loadSource, printJson, resolveField, type Context } from './context';

/** `vmcs masks [<field>...]`: every full field when none is named. */
export async function masks(ctx: Context): Promise<number> {
  const records = ctx.args.length ? ctx.args.map(resolveField) : catalogue().records.filter((r) => r.access === 'full');
  const { source, reasons, caps } = await loadSource(ctx);
  const reports = records.map((r) => fieldReport(r, caps.of(r)));
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), fields: reports.map(masksJson) });
  else ctx.out(`${sourceText(source.id, caps.snapshot, reasons)}\n\n${masksText(reports)}`);
  return 0;
}

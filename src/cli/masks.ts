import { catalogue } from '../core/catalogue/catalogue';
import { fieldReport } from '../core/render/report';
import { acrossMasksJson, masksJson, sourceJson } from '../core/render/json';
import { acrossMasksText, masksText, sourceText } from '../core/render/text';
import { loadFleet, loadSource, printJson, resolveField, type Context } from './context';

/** `vmcs masks [<field>...]`: every full field when none is named; with `--targets`, each field across those CPUs. */
export async function masks(ctx: Context): Promise<number> {
  const records = ctx.args.length ? ctx.args.map(resolveField) : catalogue().records.filter((r) => r.access === 'full');
  const fleet = await loadFleet(ctx);
  if (fleet) {
    if (ctx.options.json) printJson(ctx, acrossMasksJson(records, fleet));
    else ctx.out(acrossMasksText(records, fleet));
    return 0;
  }
  const { source, reasons, caps } = await loadSource(ctx);
  const reports = records.map((r) => fieldReport(r, caps.of(r)));
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), fields: reports.map(masksJson) });
  else ctx.out(`${sourceText(source.id, caps.snapshot, reasons)}\n\n${masksText(reports)}`);
  return 0;
}

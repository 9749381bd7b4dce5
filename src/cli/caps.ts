import { catalogue } from '../core/catalogue/catalogue';
import { CONTROLS } from '../core/catalogue/controls';
import { decodeCapabilities } from '../core/caps/capabilities';
import { capsJson, sourceJson } from '../core/render/json';
import { fieldReport } from '../core/render/report';
import { capsText, sourceText } from '../core/render/text';
import { loadSource, printJson, type Context } from './context';

/** `vmcs caps`: the capability MSRs decoded (BASIC, MISC, EPT/VPID, VMFUNC, VMCS_ENUM) and every control's bits. */
export async function caps(ctx: Context): Promise<number> {
  const { source, reasons, caps: set } = await loadSource(ctx);
  const decoded = decodeCapabilities(set.snapshot);
  const controls = CONTROLS.map((c) => {
    const record = catalogue().byEncodingNumber(c.field)!;
    return fieldReport(record, set.of(record));
  });
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, set.snapshot, reasons), ...capsJson(decoded, controls) });
  else ctx.out(`${sourceText(source.id, set.snapshot, reasons)}\n\n${capsText(decoded, controls)}`);
  return 0;
}

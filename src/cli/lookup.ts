import { catalogue } from '../core/catalogue/catalogue';
import { bitAliasNames, CONTROL_BY_KEY, CONTROLS, findBit, type ControlBit } from '../core/catalogue/controls';
import { closestNames } from '../core/catalogue/suggest';
import { bitState, type BitState } from '../core/caps/masks';
import { bitLookupJson, lookupJson } from '../core/render/json';
import { bitLookupText, lookupText } from '../core/render/text';
import { loadSource, printJson, type Context } from './context';
import { UsageError } from './errors';

/** Every field and bit name, for suggestions. */
function knownNames(): string[] {
  const cat = catalogue();
  return [...cat.aliasNames(), ...cat.records.map((r) => r.name), ...bitAliasNames(), ...CONTROLS.flatMap((c) => c.bits.map((b) => b.name))];
}

/**
 * `vmcs lookup <name|encoding>...`: fields by any name or encoding, control bits by any scheme's name (with their
 * state under --source). Unknown names go to stderr with the closest known names; exit 1 when any query is unknown,
 * after printing the others.
 */
export async function lookup(ctx: Context): Promise<number> {
  if (!ctx.args.length) throw new UsageError('lookup needs at least one field name, encoding or control-bit name');
  const cat = catalogue();
  const loaded = ctx.options.source ? await loadSource(ctx) : undefined;
  const stateOf = (bit: ControlBit): BitState | null | undefined => {
    if (!loaded) return undefined;
    const masks = loaded.caps.of(cat.byEncodingNumber(CONTROL_BY_KEY.get(bit.control)!.field)!).masks;
    return masks ? bitState(masks, bit.bit) : null;
  };
  let names: string[] | undefined;
  const results = ctx.args.map((query) => {
    const r = cat.resolve(query);
    if ('record' in r) return { query, json: lookupJson(query, r.record, cat), text: lookupText(r.record, cat) };
    const bit = findBit(query);
    if (bit) return { query, json: bitLookupJson(query, bit, stateOf(bit)), text: bitLookupText(bit, stateOf(bit)) };
    const error = r.error.startsWith('unknown VMCS field') ? `unknown VMCS field or control bit ${JSON.stringify(query)}` : r.error;
    const suggestions = closestNames(query, (names ??= knownNames()));
    ctx.err(`vmcs: ${error}${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : ''}`);
    return { query, json: { query, error, suggestions }, text: undefined };
  });
  const found = results.filter((r) => r.text !== undefined);
  if (ctx.options.json) printJson(ctx, results.map((r) => r.json));
  else if (found.length) ctx.out(found.map((r) => r.text).join('\n\n'));
  return found.length === results.length ? 0 : 1;
}

// Function-like macros that name a field by their argument (Xen's GUEST_SEG_SELECTOR(x86_seg_cs), GUEST_PDPTE(n),
// VMCS_HIGH(f)): which field a call with a constant argument names.
import data from './data/parametric.json';
import { catalogue, type FieldRecord } from './catalogue';
import { languageSet } from './languages';

export interface ParametricMacro {
  name: string;
  languages: number;
  /** base + argument * stride, for an argument below count. */
  base?: number;
  stride?: number;
  count?: number;
  argument: 'segment' | 'index' | 'field';
}

const languages = languageSet(data.languages, 'parametric.json');

export const PARAMETRIC: ReadonlyMap<string, ParametricMacro> = new Map(
  data.macros.map((m) => [
    m.name,
    { name: m.name, languages, argument: m.argument as ParametricMacro['argument'], ...(m.base ? { base: parseInt(m.base, 16), stride: m.stride, count: m.count } : {}) },
  ]),
);

const SEGMENTS: ReadonlyMap<string, number> = new Map(Object.entries(data.segments));

/**
 * The field `macro(arg)` names, or undefined when the argument is not a constant it can place. `constant` evaluates
 * a numeric argument; a field argument (VMCS_HIGH) is looked up by `field`.
 */
export function parametricField(
  macro: ParametricMacro,
  arg: string,
  constant: (text: string) => bigint | undefined,
  field: (text: string) => FieldRecord | undefined,
): FieldRecord | undefined {
  if (macro.argument === 'field') {
    const full = field(arg);
    return full && full.width === '64' && full.access === 'full' ? catalogue().byEncodingNumber(full.encoding + 1) : undefined;
  }
  const n = macro.argument === 'segment' && SEGMENTS.has(arg) ? SEGMENTS.get(arg)! : Number(constant(arg) ?? -1);
  if (!(n >= 0 && n < macro.count!)) return undefined;
  return catalogue().byEncodingNumber(macro.base! + n * macro.stride!);
}

// Which argument of a VMCS accessor (hv_vmx_vcpu_write_vmcs, vmcs_write32, __vmwrite, …) is the field and which the value.
import data from './data/accessors.json';

export interface AccessorForm {
  args: number;
  field: number;
  value?: number;
}

export const ACCESSORS: ReadonlyMap<string, readonly AccessorForm[]> = new Map(data.accessors.map((a) => [a.name, a.forms]));

/** Helpers whose result already respects the masks (cap2ctrl and friends). */
export const ADJUST_HELPERS: ReadonlySet<string> = new Set(data.adjust);

/** The form of `name` for a call with `args` arguments (unknown: the first form whose field is at `argIndex`). */
export function accessorForm(name: string, args: number | undefined, argIndex?: number): AccessorForm | undefined {
  const forms = ACCESSORS.get(name);
  if (!forms) return undefined;
  if (args !== undefined) return forms.find((f) => f.args === args);
  return forms.find((f) => argIndex === undefined || f.field === argIndex);
}

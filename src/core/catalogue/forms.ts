// Names stored once and written in several forms (`vmcs_t::field::guest_cr0`, `IA32_..._FLAG`): the data lists the
// name, the table its forms.

/**
 * The names as written in code: each form with `{}` replaced by the name and `{prefix}` by the table's prefix for
 * the field's kind (`VmcsGuestNW::` for a natural-width guest field); names as listed when there are no forms.
 */
export function expandForms(names: readonly string[], forms: readonly string[] | undefined, prefix = ''): string[] {
  if (!forms) return [...names];
  const out: string[] = [];
  for (const form of forms) for (const n of names) out.push(form.replace('{prefix}', prefix).replace('{}', n));
  return out;
}

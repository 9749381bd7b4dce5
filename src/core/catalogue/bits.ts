// Names of the bits of a field: control bits from the control catalogue, CR0/CR4 bits for the fixed-bit fields.
import registerData from './data/register-bits.json';
import type { FieldRecord } from './catalogue';
import { bitLabel, CONTROL_BY_FIELD, FIXED_RULES } from './controls';

export interface BitInfo {
  name: string;
  description?: string;
}

const REGISTER_BITS = new Map(
  Object.entries(registerData.registers).map(([reg, bits]) => [reg, new Map(bits.map((b) => [b.bit, { name: b.name, description: b.description }]))]),
);

/** The name of `bit` of a field, or undefined when the field's bits carry no names. */
export function bitInfo(record: FieldRecord, bit: number): BitInfo | undefined {
  const encoding = record.full ? record.full.encoding : record.encoding;
  const at = record.full ? bit + 32 : bit;
  const control = CONTROL_BY_FIELD.get(encoding);
  if (control) {
    const named = control.bitByNumber.get(at);
    return named ? { name: named.name, description: named.description } : { name: bitLabel(control, at) };
  }
  const fixed = FIXED_RULES.get(encoding);
  if (fixed) return REGISTER_BITS.get(fixed.register)?.get(at) ?? { name: 'reserved' };
  return undefined;
}

/** Whether the field's bits have names worth listing one by one. */
export function hasNamedBits(record: FieldRecord): boolean {
  const encoding = record.full ? record.full.encoding : record.encoding;
  return CONTROL_BY_FIELD.has(encoding) || FIXED_RULES.has(encoding);
}

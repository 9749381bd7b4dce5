// The bits of a value written to a field that a capability set rejects: its masks, less the CR0 bits that
// "unrestricted guest" frees when the CPU has it. One rule for the diagnostics and for checks across target CPUs.
import type { FieldRecord } from '../catalogue/catalogue';
import { CONTROL_BY_KEY, FIXED_RULES } from '../catalogue/controls';
import { WIDTH_BITS } from '../catalogue/encoding';
import { widthMask } from '../catalogue/hex';
import type { CapabilitySet } from './capset';
import { check, type Masks, type Violation } from './masks';

const UNRESTRICTED_GUEST = { control: 'proc2' as const, bit: 7 };

/** The masks and the stored value of a write to `record` (a high half gets the upper 32 bits); undefined when unknown. */
export function writtenMasks(caps: CapabilitySet, record: FieldRecord, value: bigint): { masks: Masks; value: bigint } | undefined {
  const masks = caps.of(record).masks;
  if (!masks) return undefined;
  // A VMWRITE stores only as many bits as the field has.
  const bits = record.access === 'high' ? 32 : WIDTH_BITS[record.width];
  return { masks, value: value & widthMask(bits) };
}

/** The violations of a write, or undefined when the masks are unknown. */
export function writeViolations(caps: CapabilitySet, record: FieldRecord, value: bigint): Violation[] | undefined {
  const w = writtenMasks(caps, record, value);
  if (!w) return undefined;
  const violations = check(w.masks, w.value);
  // Guest CR0.PE and PG may be 0 with "unrestricted guest": not a violation where the CPU allows it.
  const exempt = FIXED_RULES.get((record.full ?? record).encoding)?.unrestrictedGuestExempt;
  if (!exempt || !violations.length) return violations;
  const proc2 = caps.of(caps.recordOf(CONTROL_BY_KEY.get(UNRESTRICTED_GUEST.control)!.field)).masks;
  if (!proc2 || !((proc2.allowed1 >> BigInt(UNRESTRICTED_GUEST.bit)) & 1n)) return violations;
  return violations.filter((v) => !(exempt.includes(v.bit) && v.state === 'must-be-1'));
}

// The same questions asked of several CPUs at once (the CPUs a hypervisor will run on): may this control bit be 1,
// does this field exist, does this constant pass the masks. Unknown answers are counted apart, never as yes or no.
import type { FieldRecord } from '../catalogue/catalogue';
import type { CapabilitySet } from './capset';
import type { Violation } from './masks';
import { writeViolations } from './write-check';

export interface Target {
  /** `profile:<id>` or `snapshot:<path>`. */
  id: string;
  /** A short name for lists ("Tiger Lake i5-1135G7"). */
  label: string;
  caps: CapabilitySet;
}

export type Fleet = readonly Target[];

export interface BitAcross {
  may1: Target[];
  /** The bit must be 0 (or its control field does not exist). */
  must0: Target[];
  must1: Target[];
  unknown: Target[];
}

/** Where a bit of `record` may be 1, must be 0, must be 1, or is unknown. */
export function bitAcross(fleet: Fleet, record: FieldRecord, bit: number): BitAcross {
  const out: BitAcross = { may1: [], must0: [], must1: [], unknown: [] };
  const b = BigInt(bit);
  for (const t of fleet) {
    const fc = t.caps.of(record);
    const m = fc.masks;
    if (!m || fc.exists === null) out.unknown.push(t);
    else if (!((m.allowed1 >> b) & 1n)) out.must0.push(t);
    else if ((m.allowed0 >> b) & 1n) out.must1.push(t), out.may1.push(t);
    else out.may1.push(t);
  }
  return out;
}

export interface FieldAcross {
  exists: Target[];
  missing: Target[];
  unknown: Target[];
}

export function fieldAcross(fleet: Fleet, record: FieldRecord): FieldAcross {
  const out: FieldAcross = { exists: [], missing: [], unknown: [] };
  for (const t of fleet) {
    const e = t.caps.of(record).exists;
    (e === true ? out.exists : e === false ? out.missing : out.unknown).push(t);
  }
  return out;
}

export interface WriteAcross {
  rejecting: { target: Target; violations: Violation[] }[];
  /** CPUs without the field (a VMWRITE to it fails). */
  missing: Target[];
  unknown: Target[];
  accepting: Target[];
}

/** Which CPUs accept a constant written to `record` (full or high half). */
export function writeAcross(fleet: Fleet, record: FieldRecord, value: bigint): WriteAcross {
  const out: WriteAcross = { rejecting: [], missing: [], unknown: [], accepting: [] };
  for (const t of fleet) {
    const fc = t.caps.of(record);
    if (fc.exists === false) {
      out.missing.push(t);
      continue;
    }
    const violations = writeViolations(t.caps, record, value);
    if (!violations || fc.exists === null) out.unknown.push(t);
    else if (violations.length) out.rejecting.push({ target: t, violations });
    else out.accepting.push(t);
  }
  return out;
}

// Constraints VM entry puts on field values beyond the bit masks (CR3-target count, activity state, EPTP memory
// type / walk length / A/D, MSR-list counts), made from the capability MSRs by the table in value-constraints.json.
import data from './data/value-constraints.json';
import { MSR_NAMES } from '../catalogue/controls';
import { hex } from '../catalogue/hex';
import { bitRange } from './capabilities';

export interface ValueConstraint {
  field: number;
  /** "CR3-target count: at most 4 (IA32_VMX_MISC bits 24:16)". */
  text: string;
  /** A failure makes VM entry fail; a note is a recommendation. */
  severity: 'fail' | 'note';
  /** Undefined when the source lacks the MSR the constraint depends on (then `text` says so). */
  check?: (value: bigint) => string | undefined;
}

interface Rule {
  field: string;
  kind: string;
  name: string;
  bits: string;
  msr?: string;
  bit?: number;
  msrField?: string;
  values?: { value: number; name: string; msr?: string; bit?: number }[];
}

const subfield = (value: bigint, bits: string) => {
  const [hi, lo] = bitRange(bits);
  return (value >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
};
const where = (bits: string) => (bits.includes(':') ? `bits ${bits}` : `bit ${bits}`);
const msrLabel = (index: number) => MSR_NAMES.get(index) ?? hex(BigInt(index));

/** One rule against the source's MSRs. */
function constraintOf(rule: Rule, msrs: ReadonlyMap<number, bigint>): ValueConstraint {
  const field = parseInt(rule.field, 16);
  const msr = rule.msr ? parseInt(rule.msr, 16) : undefined;
  const value = msr === undefined ? undefined : msrs.get(msr);
  const lacking = (index: number) => ({ field, severity: 'fail' as const, text: `${rule.name}: unknown — the source lacks ${msrLabel(index)} (${hex(BigInt(index))})` });
  if (rule.kind === 'zero') {
    return { field, severity: 'fail', text: `${where(rule.bits)} (${rule.name}) must be 0`, check: (v) => (subfield(v, rule.bits) ? `${where(rule.bits)} (${rule.name}) must be 0` : undefined) };
  }
  if (rule.kind === 'values') {
    const needed = rule.values!.map((a) => (a.msr ? parseInt(a.msr, 16) : undefined)).find((m) => m !== undefined && !msrs.has(m));
    if (needed !== undefined) return lacking(needed);
    const allowed = rule.values!.filter((a) => !a.msr || (msrs.get(parseInt(a.msr, 16))! >> BigInt(a.bit!)) & 1n);
    const list = allowed.map((a) => `${a.value} (${a.name})`).join(', ') || 'none';
    const text = `${rule.name}${rule.bits === '31:0' ? '' : ` (${where(rule.bits)})`}: ${list}`;
    return {
      field,
      severity: 'fail',
      text,
      check: (v) => {
        const got = subfield(v, rule.bits);
        return allowed.some((a) => BigInt(a.value) === got) ? undefined : `${rule.name} ${got} is not one this CPU supports (${list})`;
      },
    };
  }
  if (value === undefined) return lacking(msr!);
  if (rule.kind === 'flag') {
    const ok = ((value >> BigInt(rule.bit!)) & 1n) === 1n;
    const text = `${where(rule.bits)} (${rule.name}): ${ok ? 'may be 1' : `must be 0 (${msrLabel(msr!)} bit ${rule.bit} is 0)`}`;
    return { field, severity: 'fail', text, check: (v) => (!ok && subfield(v, rule.bits) ? `${where(rule.bits)} (${rule.name}) must be 0: ${msrLabel(msr!)} bit ${rule.bit} is 0` : undefined) };
  }
  const n = subfield(value, rule.bits);
  if (rule.kind === 'max') {
    const text = `${rule.name}: at most ${n} (${msrLabel(msr!)} ${where(rule.bits)}, ${rule.msrField})`;
    return { field, severity: 'fail', text, check: (v) => (v > n ? `${rule.name} ${v} is above ${n}, the ${rule.msrField} of this CPU` : undefined) };
  }
  // recommended-max
  const max = 512n * (n + 1n);
  const text = `${rule.name}: at most ${max} recommended (${msrLabel(msr!)} ${where(rule.bits)})`;
  return { field, severity: 'note', text, check: (v) => (v > max ? `${rule.name} ${v} is above the recommended ${max}` : undefined) };
}

const RULES = data.constraints as Rule[];

/** The value constraints of every field that has one, for a source's capability MSRs. */
export function valueConstraints(msrs: ReadonlyMap<number, bigint>): Map<number, ValueConstraint[]> {
  const out = new Map<number, ValueConstraint[]>();
  for (const rule of RULES) {
    const c = constraintOf(rule, msrs);
    out.set(c.field, [...(out.get(c.field) ?? []), c]);
  }
  return out;
}

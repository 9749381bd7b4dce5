// The non-control capability MSRs decoded field by field (BASIC, MISC, EPT/VPID, VMFUNC, VMCS_ENUM), from a table.
// An MSR the source lacks is unknown; one the CPU does not have (its gate is clear) is said to be absent, never zero.
import data from './data/capability-fields.json';
import { MSR_GATES, MSR_NAMES } from '../catalogue/controls';
import { hex } from '../catalogue/hex';
import { msrsOf } from './msrs';
import type { Snapshot } from './snapshot';

export type CapabilityFormat = 'flag' | 'number' | 'hex' | 'bytes' | 'memtype' | 'log2-rate' | 'msr-list';

export interface DecodedField {
  bits: string;
  name: string;
  format: CapabilityFormat;
  /** The raw field value. */
  raw: bigint;
  /** What it means, in words ("yes", "4096 bytes", "WB (write-back)", "TSC / 2^5"). */
  text: string;
}

export interface DecodedMsr {
  index: number;
  name: string;
  title: string;
  /** present: decoded; absent: the CPU has no such MSR (its gate bit is clear); unknown: the source lacks it. */
  status: 'present' | 'absent' | 'unknown';
  value?: bigint;
  fields: DecodedField[];
  /** Why it is absent or unknown. */
  reason?: string;
}

interface FieldSpec {
  bits: string;
  name: string;
  format: string;
}

const MEMORY_TYPES: Readonly<Record<string, string>> = data.memoryTypes;

export function bitRange(spec: string): [number, number] {
  const [hi, lo = hi] = spec.split(':').map(Number);
  return [hi, lo];
}

/** What a field's raw value means, by format. */
const FORMATS: Readonly<Record<CapabilityFormat, (raw: bigint) => string>> = {
  flag: (raw) => (raw ? 'yes' : 'no'),
  number: (raw) => String(raw),
  hex: (raw) => hex(raw),
  bytes: (raw) => `${raw} bytes`,
  memtype: (raw) => MEMORY_TYPES[String(raw)] ?? `${raw} (reserved memory type)`,
  'log2-rate': (raw) => `once every 2^${raw} TSC ticks`,
  'msr-list': (raw) => `${512n * (raw + 1n)} entries`,
};

/**
 * Whether the CPU has no such MSR: every gate bit of it is 0, where a gate MSR the CPU lacks counts as 0 (no
 * secondary controls, so no IA32_VMX_PROCBASED_CTLS2, so no EPT/VPID MSR). Unknown gates leave it unknown.
 */
function absent(index: number, msrs: ReadonlyMap<number, bigint>): boolean {
  const gates = MSR_GATES.get(index);
  if (!gates) return false;
  return gates.every(([msr, bit]) => {
    const value = msrs.get(msr);
    return value === undefined ? absent(msr, msrs) : ((value >> BigInt(bit)) & 1n) === 0n;
  });
}

export function decodeCapabilities(snapshot: Snapshot): DecodedMsr[] {
  const msrs = msrsOf(snapshot);
  return data.msrs.map((m) => {
    const index = parseInt(m.index, 16);
    const out: DecodedMsr = { index, name: MSR_NAMES.get(index) ?? hex(BigInt(index)), title: m.title, status: 'unknown', fields: [] };
    const value = msrs.get(index);
    if (value === undefined && absent(index, msrs)) {
      const names = MSR_GATES.get(index)!.map(([msr, bit]) => `${MSR_NAMES.get(msr)} bit ${bit}`).join(' or ');
      return { ...out, status: 'absent', reason: `the CPU does not have it: ${names} is 0` };
    }
    if (value === undefined) return { ...out, reason: `the source lacks ${out.name} (${hex(BigInt(index))})` };
    out.status = 'present';
    out.value = value;
    out.fields = (m.fields as FieldSpec[]).map((f) => {
      const [hi, lo] = bitRange(f.bits);
      const raw = (value >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
      const format = f.format as CapabilityFormat;
      return { bits: f.bits, name: f.name, format, raw, text: FORMATS[format](raw) };
    });
    return out;
  });
}

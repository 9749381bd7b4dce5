// Every bit or sub-field of a VMCS value, named: controls (their bits), CR0/CR4 (architectural bits), and the layouts
// of layouts.json (RFLAGS, EFER, DR7, access rights, EPTP, interruption information, exit reasons, qualifications, …).
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { bitInfo, hasNamedBits } from '../catalogue/bits';
import { CONTROL_BY_FIELD, bitLabel } from '../catalogue/controls';
import { WIDTH_BITS } from '../catalogue/encoding';
import { bitRanges, bitsOf, hex } from '../catalogue/hex';
import { bitRange } from '../caps/capabilities';
import type { Masks } from '../caps/masks';
import data from './data/layouts.json';
import reasons from './data/exit-reasons.json';
import errors from './data/instruction-errors.json';

export interface DecodedPart {
  bits: string;
  name: string;
  value: bigint;
  /** The meaning of the value: "set", an enum's name, a number, an address. */
  text: string;
  /** A flag that is 0, or a sub-field that is 0 and says nothing: left out of summaries. */
  quiet?: boolean;
  /** For control bits under a CPU's masks: "must be 1, but 0" and the like. */
  problem?: string;
}

export interface Decoded {
  title: string;
  value: bigint;
  parts: DecodedPart[];
  /** Reserved bits the value sets. */
  reserved?: bigint;
  /** One line: the parts that say something. */
  summary: string;
}

type Part = { bits: string; name: string; format: string; values?: string | Record<string, string> };
type Layout = { title: string; parts: Part[]; reserved?: string };

const LAYOUTS = data.layouts as unknown as Record<string, Layout>;
const QUALIFICATIONS = data.qualifications as unknown as Record<string, Layout>;
const ENUMS = data.enums as unknown as Record<string, Record<string, string>>;
const FIELD_LAYOUT = new Map(Object.entries(data.fields).map(([k, v]) => [parseInt(k, 16), v]));
const REASONS = new Map(reasons.reasons.map((r) => [r.number, r]));
const ERRORS = new Map(errors.errors.map((e) => [e.number, e]));

const sub = (v: bigint, bits: string) => {
  const [hi, lo] = bitRange(bits);
  return (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
};
function maskOfRanges(list: string): bigint {
  let m = 0n;
  for (const r of list.split(',').map((s) => s.trim())) {
    const [hi, lo] = bitRange(r);
    for (let b = lo; b <= hi; b++) m |= 1n << BigInt(b);
  }
  return m;
}

export const exitReasonName = (basic: number) => REASONS.get(basic)?.name;
export const instructionError = (n: number) => ERRORS.get(n);

function partText(p: Part, v: bigint, whole: bigint): { text: string; quiet: boolean } {
  if (p.format === 'flag') return { text: v ? 'set' : 'clear', quiet: !v };
  if (p.format === 'number') return { text: String(v), quiet: false };
  if (p.format === 'hex') return { text: hex(v), quiet: v === 0n };
  if (p.format === 'address') return { text: hex(v << BigInt(bitRange(p.bits)[1])), quiet: false };
  if (p.format === 'vector') {
    const type = Number((whole >> 8n) & 7n);
    const name = (type === 3 || type === 2 || type === 5 || type === 6) && ENUMS.vectors[String(v)];
    return { text: `${v}${name ? ` (${name})` : ''}`, quiet: false };
  }
  if (p.format === 'segment-type') {
    const s = (whole >> 4n) & 1n;
    return { text: `${v}: ${(s ? ENUMS['data-types'] : ENUMS['system-types'])[String(v)] ?? 'reserved system type'}`, quiet: false };
  }
  if (p.format === 'exit-reason') return { text: `${v}: ${exitReasonName(Number(v)) ?? 'not an exit reason the SDM defines'}`, quiet: false };
  if (p.format === 'instruction-error') return { text: `${v}: ${instructionError(Number(v))?.name ?? (v === 0n ? 'no error' : 'not an error number the SDM defines')}`, quiet: false };
  const values = typeof p.values === 'string' ? ENUMS[p.values] : p.values ?? {};
  return { text: values[String(v)] ?? `${v} (reserved)`, quiet: false };
}

export function decodeLayout(layout: Layout, value: bigint): Decoded {
  const parts = layout.parts.map((p) => {
    const v = sub(value, p.bits);
    return { bits: p.bits, name: p.name, value: v, ...partText(p, v, value) };
  });
  const reserved = layout.reserved ? value & maskOfRanges(layout.reserved) : 0n;
  const said = parts.filter((p) => !p.quiet).map((p) => (p.text === 'set' ? p.name : `${p.name} ${p.text}`));
  if (reserved) said.push(`reserved ${bitRanges(bitsOf(reserved))} set`);
  return { title: layout.title, value, parts, ...(reserved ? { reserved } : {}), summary: said.join(', ') || 'all clear' };
}

/** A control field or CR field: its set bits by name; with masks, also the bits the CPU requires or forbids. */
function decodeNamedBits(record: FieldRecord, value: bigint, masks?: Masks | null): Decoded {
  const width = record.full ? 32 : WIDTH_BITS[record.width];
  const control = CONTROL_BY_FIELD.get(record.encoding);
  const parts: DecodedPart[] = [];
  for (let b = 0; b < width; b++) {
    const set = ((value >> BigInt(b)) & 1n) === 1n;
    const must1 = masks ? ((masks.allowed0 >> BigInt(b)) & 1n) === 1n : false;
    const must0 = masks ? ((masks.allowed1 >> BigInt(b)) & 1n) === 0n : false;
    const problem = set && must0 ? 'must be 0 on this CPU' : !set && must1 ? 'must be 1 on this CPU' : undefined;
    if (!set && !problem) continue;
    const name = control ? bitLabel(control, b) : bitInfo(record, b)?.name ?? 'reserved';
    parts.push({ bits: String(b), name, value: set ? 1n : 0n, text: set ? 'set' : 'clear', ...(problem ? { problem } : {}) });
  }
  const summary = parts.filter((p) => p.value).map((p) => p.name).join(', ') || 'no bit set';
  const problems = parts.filter((p) => p.problem);
  return { title: record.name, value, parts, summary: problems.length ? `${summary}; ${problems.map((p) => `bit ${p.bits} ${p.problem}`).join(', ')}` : summary };
}

/** Decodes a field's value; the exit qualification needs the exit reason. Undefined when the field has no layout. */
export function decodeField(record: FieldRecord, value: bigint, context: { exitReason?: bigint; masks?: Masks | null } = {}): Decoded | undefined {
  const full = record.full ?? record;
  if (full.encoding === 0x6400) return context.exitReason === undefined ? undefined : decodeQualification(context.exitReason, value);
  if (full.encoding === 0x440e) return context.exitReason === undefined ? undefined : decodeInstructionInformation(context.exitReason, value);
  const layout = FIELD_LAYOUT.get(full.encoding);
  if (layout && !record.full) return decodeLayout(LAYOUTS[layout], value);
  if (CONTROL_BY_FIELD.has(record.encoding) || hasNamedBits(record)) return decodeNamedBits(record, value, context.masks);
  return undefined;
}

/** The exit qualification of an exit reason (bits 15:0 pick the layout). */
export function decodeQualification(exitReason: bigint, value: bigint): Decoded {
  const basic = Number(exitReason & 0xffffn);
  const reason = REASONS.get(basic);
  const layout = reason?.qualification ? QUALIFICATIONS[reason.qualification] : undefined;
  if (!layout) return { title: `Exit qualification of exit reason ${basic}`, value, parts: [], summary: reason ? `exit reason ${basic} (${reason.name}) defines no exit qualification` : `exit reason ${basic} is not one the SDM defines` };
  const d = decodeLayout(layout, value);
  return { ...d, title: `Exit qualification: ${layout.title}` };
}

const INSTRUCTION_INFORMATION = (data as unknown as { instructionInformation: { byReason: Record<string, Layout> } }).instructionInformation.byReason;

/** VM-exit instruction information (0x440e): its layout follows the instruction the exit reason names. */
export function decodeInstructionInformation(exitReason: bigint, value: bigint): Decoded {
  const basic = Number(exitReason & 0xffffn);
  const layout = INSTRUCTION_INFORMATION[String(basic)];
  if (!layout) return { title: `VM-exit instruction information of exit reason ${basic}`, value, parts: [], summary: `exit reason ${basic} (${exitReasonName(basic) ?? 'unknown'}) defines no instruction information` };
  return { ...decodeLayout(layout, value), title: `VM-exit instruction information: ${layout.title}` };
}

export const decodeExitReason = (value: bigint) => decodeLayout(LAYOUTS['exit-reason'], value);
export const decodeInstructionError = (value: bigint) => decodeLayout(LAYOUTS['instruction-error'], value);

export function hasDecoder(record: FieldRecord): boolean {
  const full = record.full ?? record;
  return full.encoding === 0x6400 || full.encoding === 0x440e || FIELD_LAYOUT.has(full.encoding) || CONTROL_BY_FIELD.has(record.encoding) || hasNamedBits(record);
}

export const fieldByEncoding = (encoding: number) => catalogue().byEncodingNumber(encoding);

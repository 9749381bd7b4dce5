// Control fields, their capability MSRs and their named bits, built once from controls.json and control-bits.json.
import controlsData from './data/controls.json';
import bitsData from './data/control-bits.json';
import { maskOf } from './hex';
import { ANY_LANGUAGE, languageSet } from './languages';
import { expandForms } from './forms';
import { BIT_ALIAS_TABLES } from './data/bit-aliases';

export type ControlKey = 'pin' | 'proc' | 'proc2' | 'proc3' | 'exit' | 'exit2' | 'entry' | 'vmfunc';
export type Layout = 'split' | 'allowed1';

export interface ControlBit {
  control: ControlKey;
  bit: number;
  name: string;
  description: string;
  default1: boolean;
  aliases: Record<string, string[]>;
}

export interface ControlField {
  key: ControlKey;
  field: number;
  title: string;
  msr: number;
  msrName: string;
  trueMsr?: number;
  trueMsrName?: string;
  /** split: allowed-0 in bits 31:0, allowed-1 in bits 63:32; allowed1: a 64-bit allowed-1 mask. */
  layout: Layout;
  /** Reserved bits that must be 1 unless the TRUE MSR says otherwise. */
  default1: bigint;
  /** Capability bit that makes this field exist, e.g. { control: 'proc', bit: 31 }. */
  requires?: CapabilityBit;
  bits: readonly ControlBit[];
  bitByNumber: ReadonlyMap<number, ControlBit>;
}

export interface CapabilityBit {
  control: ControlKey;
  bit: number;
}

export interface FixedRule {
  field: number;
  register: string;
  fixed0: number;
  fixed1: number;
  unrestrictedGuestExempt?: readonly number[];
}

interface RawBit {
  bit: number;
  name: string;
  description: string;
  aliases?: Record<string, string[]>;
}

const hexNumber = (s: string) => parseInt(s, 16);

/** Parses "proc2:1" into a capability bit. */
export function parseCapabilityBit(text: string): CapabilityBit {
  const m = /^(pin|proc|proc2|proc3|exit|exit2|entry|vmfunc):(\d+)$/.exec(text);
  if (!m) throw new Error(`bad capability bit reference ${text}`);
  return { control: m[1] as ControlKey, bit: Number(m[2]) };
}

function build(): ControlField[] {
  const rawBits = (bitsData as unknown as { controls: Record<string, { bits: RawBit[] }> }).controls;
  return controlsData.controls.map((c) => {
    const key = c.key as ControlKey;
    const default1 = new Set(c.default1);
    const bits: ControlBit[] = (rawBits[key]?.bits ?? []).map((b) => ({
      control: key,
      bit: b.bit,
      name: b.name,
      description: b.description,
      default1: default1.has(b.bit),
      aliases: b.aliases ?? {},
    }));
    const field: ControlField = {
      key,
      field: hexNumber(c.field),
      title: c.title,
      msr: hexNumber(c.msr),
      msrName: c.msrName,
      layout: c.layout as Layout,
      default1: maskOf(c.default1),
      bits,
      bitByNumber: new Map(bits.map((b) => [b.bit, b])),
    };
    if (c.true && c.trueName) {
      field.trueMsr = hexNumber(c.true);
      field.trueMsrName = c.trueName;
    }
    if (c.requires) field.requires = parseCapabilityBit(c.requires);
    return field;
  });
}

export const CONTROLS: readonly ControlField[] = build();
export const CONTROL_BY_KEY: ReadonlyMap<ControlKey, ControlField> = new Map(CONTROLS.map((c) => [c.key, c]));
export const CONTROL_BY_FIELD: ReadonlyMap<number, ControlField> = new Map(CONTROLS.map((c) => [c.field, c]));

export const FIXED_RULES: ReadonlyMap<number, FixedRule> = new Map(
  controlsData.fixed.map((f) => [
    hexNumber(f.field),
    { field: hexNumber(f.field), register: f.register, fixed0: hexNumber(f.fixed0), fixed1: hexNumber(f.fixed1), unrestrictedGuestExempt: f.unrestrictedGuestExempt },
  ]),
);

/** MSRs that exist only if one of these [MSR, bit] pairs is 1, in an order where each gate comes before what it gates. */
export const MSR_GATES: ReadonlyMap<number, readonly (readonly [number, number])[]> = new Map(
  controlsData.msrs.flatMap((m) => (m.existsIf ? [[hexNumber(m.index), m.existsIf.map(([msr, bit]) => [hexNumber(String(msr)), Number(bit)] as const)] as const] : [])),
);

/** VMX capability MSRs 0x480-0x493 by index. */
export const MSR_NAMES: ReadonlyMap<number, string> = new Map(controlsData.msrs.map((m) => [hexNumber(m.index), m.name]));

export interface HvCap {
  name: string;
  id: number;
  msr?: number;
}

/** Hypervisor.framework's hv_vmx_capability_t ids and the MSR each one reports. */
export const HV_CAPS: readonly HvCap[] = controlsData.hvCaps.map((c) => ({ name: c.name, id: c.id, ...(c.msr ? { msr: hexNumber(c.msr) } : {}) }));
export const HV_CAP_BY_NAME: ReadonlyMap<string, HvCap> = new Map(HV_CAPS.map((c) => [c.name, c]));

/** The Hypervisor.framework capability (non-TRUE) that reports each control's MSR, e.g. entry -> HV_VMX_CAP_ENTRY. */
export const HV_CAPS_BY_CONTROL: ReadonlyMap<ControlKey, string> = new Map(
  CONTROLS.flatMap((c) => {
    const cap = HV_CAPS.find((h) => h.msr === c.msr);
    return cap ? [[c.key, cap.name] as const] : [];
  }),
);

/** Name of a bit of a control field; reserved bits are named by their default class. */
export function bitLabel(control: ControlField, bit: number): string {
  const named = control.bitByNumber.get(bit);
  if (named) return named.name;
  return control.default1 & (1n << BigInt(bit)) ? 'reserved (default1)' : 'reserved';
}

/** What a bit's name stands for in a constant expression: the bit's mask, its number (ia32-doc _BIT), or 1 (ia32-doc _MASK). */
export type BitValue = 'flag' | 'bit-number' | 'one';

export interface BitName {
  bit: ControlBit;
  languages: number;
  value: BitValue;
}

let bitAliases: Map<string, BitName[]> | undefined;

function bitNames(): Map<string, BitName[]> {
  if (bitAliases) return bitAliases;
  const out = new Map<string, BitName[]>();
  const add = (name: string, use: BitName) => {
    const uses = out.get(name) ?? [];
    if (!uses.some((u) => u.bit === use.bit && u.languages === use.languages)) uses.push(use);
    out.set(name, uses);
  };
  for (const c of CONTROLS) for (const b of c.bits) for (const names of Object.values(b.aliases)) for (const n of names) add(n, { bit: b, languages: ANY_LANGUAGE, value: 'flag' });
  for (const table of BIT_ALIAS_TABLES) {
    const where = `bit-aliases/${table.scheme}.json`;
    const languages = languageSet(table.languages, where);
    for (const [ref, names] of Object.entries(table.bits)) {
      const { control, bit } = parseCapabilityBit(ref);
      const b = CONTROL_BY_KEY.get(control)!.bitByNumber.get(bit);
      if (!b) throw new Error(`${where}: ${ref} is not a named control bit`);
      const written = expandForms(names, table.forms);
      (b.aliases[table.scheme] ??= []).push(...written);
      for (const n of written) add(n, { bit: b, languages, value: (table.values?.find((v) => n.endsWith(v.suffix))?.value ?? 'flag') as BitValue });
    }
  }
  return (bitAliases = out);
}

/** A control bit by any of its names (SDM name or a scheme's constant, e.g. PIN_BASED_NMI_EXITING) in these languages. */
export function controlBitByAlias(name: string, languages = ANY_LANGUAGE): ControlBit | undefined {
  return bitNameOf(name, languages)?.bit;
}

/** The name's bit and what the name's value is, when one scheme of these languages names one bit with it. */
export function bitNameOf(name: string, languages = ANY_LANGUAGE): BitName | undefined {
  const uses = bitNames().get(name);
  if (!uses) return undefined;
  let found: BitName | undefined;
  for (const u of uses) {
    if (!(u.languages & languages)) continue;
    if (found && (found.bit !== u.bit || found.value !== u.value)) return undefined;
    found ??= u;
  }
  return found;
}

/** A control bit by a name of any scheme or language, or by its SDM name ignoring case ("NMI exiting"). */
export function findBit(query: string): ControlBit | undefined {
  const q = query.trim();
  const exact = bitNames().get(q)?.[0]?.bit;
  if (exact) return exact;
  const folded = q.toLowerCase();
  for (const c of CONTROLS) for (const b of c.bits) if (b.name.toLowerCase() === folded) return b;
  return undefined;
}

/** Every name of a control bit in the bit tables (for the scanner's name filter). */
export function bitAliasNames(): string[] {
  return [...bitNames().keys()];
}

// Merge the bit tables' names into each bit's aliases now, so every view lists them.
bitNames();

// Capability MSRs -> per-field allowed0/allowed1 masks and field existence, by the rules of Intel SDM Vol. 3D Appendix A.
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { CONTROLS, CONTROL_BY_FIELD, CONTROL_BY_KEY, FIXED_RULES, MSR_GATES, MSR_NAMES, parseCapabilityBit, type ControlField, type ControlKey } from '../catalogue/controls';
import { WIDTH_BITS } from '../catalogue/encoding';
import { bitRanges, bitsOf, hex, MASK64, widthMask } from '../catalogue/hex';
import type { Masks } from './masks';
import { msrsOf, type DeriveInput } from './msrs';
import { valueConstraints, type ValueConstraint } from './constraints';

export { msrsFromHvCaps, msrsOf, type DeriveInput } from './msrs';

const BASIC = 0x480;
const MISC = 0x485;
const MISC_VMWRITE_ANY = 29n;
const BASIC_TRUE_CTLS = 55n;
const UNRESTRICTED_GUEST = { control: 'proc2' as ControlKey, bit: 7 };

export interface FieldCaps {
  record: FieldRecord;
  /** null when the source does not say (e.g. a snapshot without the governing MSR). */
  masks: Masks | null;
  /** true / false from the enabling controls; null when unknown. */
  exists: boolean | null;
  writable: boolean;
  /** Where the masks come from, e.g. "IA32_VMX_TRUE_PINBASED_CTLS (0x48d)". */
  basis: string;
  notes: string[];
  /** What VM entry asks of the value beyond the masks (CR3-target count, activity state, EPTP, …). */
  constraints: ValueConstraint[];
}

/** What a control field's capability MSR allows, after the SDM's rules for TRUE MSRs and field existence. */
interface ControlCaps {
  masks: Masks | null;
  exists: boolean | null;
  basis: string;
  notes: string[];
}

const msrLabel = (index: number) => `${MSR_NAMES.get(index) ?? 'MSR'} (${hex(BigInt(index))})`;

function splitMasks(value: bigint): Masks {
  return { allowed0: value & 0xffffffffn, allowed1: value >> 32n };
}

function controlCaps(c: ControlField, msrs: ReadonlyMap<number, bigint>, known: ReadonlyMap<ControlKey, ControlCaps>): ControlCaps {
  const notes: string[] = [];
  if (c.requires) {
    const parent = known.get(c.requires.control)!;
    const parentTitle = CONTROL_BY_KEY.get(c.requires.control)!.title;
    if (!parent.masks) return { masks: null, exists: null, basis: `unknown: ${parentTitle} unknown`, notes };
    if (!((parent.masks.allowed1 >> BigInt(c.requires.bit)) & 1n)) {
      return { masks: { allowed0: 0n, allowed1: 0n }, exists: false, basis: `${parentTitle} bit ${c.requires.bit} cannot be 1`, notes };
    }
  }
  let msr = c.msr;
  const basic = msrs.get(BASIC);
  if (c.trueMsr !== undefined) {
    const trueSupported = basic === undefined ? msrs.has(c.trueMsr) : ((basic >> BASIC_TRUE_CTLS) & 1n) === 1n;
    if (trueSupported && msrs.has(c.trueMsr)) {
      msr = c.trueMsr;
      // A CPU reports the same allowed-1 settings in both (SDM Vol. 3D A.3-A.5): a difference is an error in the data.
      const plain = msrs.get(c.msr);
      const differ = plain === undefined ? 0n : (plain ^ msrs.get(c.trueMsr)!) >> 32n;
      if (differ) notes.push(`the data is inconsistent: ${msrLabel(c.msr)} and ${msrLabel(c.trueMsr)} differ in the allowed-1 settings of bits ${bitRanges(bitsOf(differ))}; ${c.trueMsrName}'s are shown`);
    } else if (trueSupported) notes.push(`IA32_VMX_BASIC bit 55 says ${c.trueMsrName} exists but the source lacks it; default1 bits are shown as must-be-1`);
    else if (basic === undefined) notes.push(`the source lacks IA32_VMX_BASIC and ${c.trueMsrName}: if the CPU has it, default1 bits shown as must-be-1 may be 0`);
  }
  const value = msrs.get(msr);
  if (value === undefined) return { masks: null, exists: c.requires ? true : null, basis: `unknown: the source has no ${msrLabel(msr)}`, notes };
  const masks = c.layout === 'split' ? splitMasks(value) : { allowed0: 0n, allowed1: value };
  return { masks, exists: true, basis: msrLabel(msr), notes };
}


/** IA32_VMX_MISC bit 29: VMWRITE may write any supported field, VM-exit information fields included; null when unknown. */
export function vmwriteAnyField(input: DeriveInput, msrs = msrsOf(input)): boolean | null {
  const misc = msrs.get(MISC);
  return misc === undefined ? null : ((misc >> MISC_VMWRITE_ANY) & 1n) === 1n;
}

/** Masks and existence of every full-encoding field of the catalogue. */
export function deriveFields(input: DeriveInput): Map<number, FieldCaps> {
  const msrs = msrsOf(input);
  const haveMsrs = msrs.size > 0;
  const vmwriteAny = vmwriteAnyField(input, msrs);
  const constraints = valueConstraints(msrs);

  const controls = new Map<ControlKey, ControlCaps>();
  for (const c of CONTROLS) controls.set(c.key, haveMsrs ? controlCaps(c, msrs, controls) : { masks: null, exists: null, basis: 'unknown: no capability MSRs', notes: [] });

  /** One of `requires` allowed-1 -> true; all known and clear -> false; otherwise unknown. */
  const existence = (record: FieldRecord): boolean | null => {
    if (record.unknownExistence) return null;
    if (!record.requires) return true;
    let unknown = false;
    for (const ref of record.requires) {
      const { control, bit } = parseCapabilityBit(ref);
      const m = controls.get(control)!.masks;
      if (!m) unknown = true;
      else if ((m.allowed1 >> BigInt(bit)) & 1n) return true;
    }
    return unknown ? null : false;
  };

  const out = new Map<number, FieldCaps>();
  for (const record of catalogue().records) {
    if (record.access !== 'full') continue;
    const bits = WIDTH_BITS[record.width];
    const control = CONTROL_BY_FIELD.get(record.encoding);
    const fixed = FIXED_RULES.get(record.encoding);
    let caps: Omit<FieldCaps, 'record' | 'writable' | 'constraints'>;
    if (control) {
      const c = controls.get(control.key)!;
      caps = { masks: c.masks, exists: existence(record) ?? c.exists, basis: c.basis, notes: [...c.notes] };
    } else {
      const exists = haveMsrs ? existence(record) : record.requires || record.unknownExistence ? null : true;
      caps = { masks: null, exists, basis: '', notes: record.unknownExistence ? [record.unknownExistence] : [] };
      if (record.type === 'read-only') {
        caps.basis = 'read-only (VM-exit information) field';
        if (vmwriteAny === true) {
          caps.masks = { allowed0: 0n, allowed1: widthMask(bits) };
          caps.notes.push('IA32_VMX_MISC bit 29 = 1: VMWRITE can write it (nested hypervisors do); the next VM exit overwrites it');
        } else if (vmwriteAny === false) {
          caps.masks = { allowed0: 0n, allowed1: 0n };
          caps.notes.push('IA32_VMX_MISC bit 29 = 0: VMWRITE to it fails with VM-instruction error 13');
        } else caps.basis = 'unknown: whether VMWRITE can write this read-only (VM-exit information) field is IA32_VMX_MISC (0x485) bit 29, which the source lacks';
      } else if (exists === false) {
        caps.masks = { allowed0: 0n, allowed1: 0n };
        caps.basis = 'field does not exist on this processor';
      } else if (fixed) {
        const f0 = msrs.get(fixed.fixed0);
        const f1 = msrs.get(fixed.fixed1);
        caps.basis = `${msrLabel(fixed.fixed0)} / ${msrLabel(fixed.fixed1)}`;
        if (f0 !== undefined && f1 !== undefined) caps.masks = { allowed0: f0, allowed1: f1 };
        else caps.basis = `unknown: the source lacks ${[f0 === undefined ? msrLabel(fixed.fixed0) : '', f1 === undefined ? msrLabel(fixed.fixed1) : ''].filter(Boolean).join(' and ')}`;
        const exempt = fixed.unrestrictedGuestExempt;
        const proc2 = controls.get(UNRESTRICTED_GUEST.control)!.masks;
        if (exempt && f0 !== undefined && proc2 && (proc2.allowed1 >> BigInt(UNRESTRICTED_GUEST.bit)) & 1n) {
          caps.notes.push(`with "unrestricted guest" (secondary control bit 7) = 1, bits ${bitRanges(exempt)} (PE, PG) may be 0`);
        }
      } else {
        caps.masks = { allowed0: 0n, allowed1: widthMask(bits) };
        caps.basis = 'no capability restricts this field: any value of its width';
      }
    }
    const measured = input.fields?.get(record.encoding);
    if (measured) {
      caps.masks = measured;
      caps.basis = 'measured per field (hv_vmx_vcpu_get_cap_write_vmcs)';
    }
    if (caps.masks && (caps.masks.allowed0 & ~caps.masks.allowed1 & MASK64) !== 0n) {
      caps.notes.push(`capability data is contradictory for bits ${bitRanges(bitsOf(caps.masks.allowed0 & ~caps.masks.allowed1))} (required 1 but not allowed 1)`);
    }
    const writable = record.type === 'read-only' ? vmwriteAny === true : caps.exists !== false;
    out.set(record.encoding, { record, ...caps, writable, constraints: constraints.get(record.encoding) ?? [] });
  }
  return out;
}

/** The masks of a high-half record: the upper 32 bits of its full field's masks. */
export function highHalf(caps: FieldCaps, record: FieldRecord): FieldCaps {
  const m = caps.masks;
  // The constraints are on the whole 64-bit value.
  return { ...caps, record, masks: m ? { allowed0: m.allowed0 >> 32n, allowed1: m.allowed1 >> 32n } : null, constraints: [] };
}

/**
 * Drops MSRs that do not exist given the gating bits of the others (IA32_VMX_BASIC bit 55 for the TRUE MSRs,
 * "activate secondary controls" for IA32_VMX_PROCBASED_CTLS2, …): a device or a dump may still return bytes for them.
 * A gate MSR that is itself absent counts as all zeros.
 */
export function pruneAbsentMsrs(msrs: ReadonlyMap<number, bigint>): Map<number, bigint> {
  const out = new Map(msrs);
  for (const [index, gates] of MSR_GATES) {
    if (out.has(index) && !gates.some(([msr, bit]) => ((out.get(msr) ?? 0n) >> BigInt(bit)) & 1n)) out.delete(index);
  }
  return out;
}

// The allowed_0 / allowed_1 model of hv_vmx_vcpu_get_cap_write_vmcs, on BigInt.
//   allowed0 bit = 1 -> the bit must be 1;  allowed1 bit = 0 -> the bit must be 0;
//   (0, 1) -> free;  (1, 0) -> undefined (contradictory capability data: shown, never hidden).
import { bitsOf, widthMask } from '../catalogue/hex';

export type BitState = 'must-be-1' | 'must-be-0' | 'free' | 'undefined';

export interface Masks {
  allowed0: bigint;
  allowed1: bigint;
}

export interface BitClass {
  bit: number;
  state: BitState;
}

export interface StateMasks {
  mustBe1: bigint;
  mustBe0: bigint;
  free: bigint;
  undefined: bigint;
}

/** The four state sets of a field of `bits` width as masks. */
export function stateMasks(m: Masks, bits: number): StateMasks {
  const all = widthMask(bits);
  const a0 = m.allowed0 & all;
  const a1 = m.allowed1 & all;
  return { mustBe1: a0 & a1, mustBe0: ~a0 & ~a1 & all, free: ~a0 & a1 & all, undefined: a0 & ~a1 };
}

export function bitState(m: Masks, bit: number): BitState {
  const a0 = (m.allowed0 >> BigInt(bit)) & 1n;
  const a1 = (m.allowed1 >> BigInt(bit)) & 1n;
  if (a0 && a1) return 'must-be-1';
  if (!a0 && !a1) return 'must-be-0';
  return a1 ? 'free' : 'undefined';
}

export function classify(m: Masks, bits: number): BitClass[] {
  const out: BitClass[] = [];
  for (let bit = 0; bit < bits; bit++) out.push({ bit, state: bitState(m, bit) });
  return out;
}

export interface Violation {
  bit: number;
  state: BitState;
  /** The bit's value in the checked value. */
  value: 0 | 1;
}

/** Bits of `value` that the masks reject: clear where a 1 is required, set where a 0 is required, any undefined bit. */
export function check(m: Masks, value: bigint): Violation[] {
  const clearButRequired = m.allowed0 & ~value;
  const setButForbidden = value & ~m.allowed1;
  return bitsOf(clearButRequired | setButForbidden).map((bit) => ({
    bit,
    state: bitState(m, bit),
    value: (value >> BigInt(bit)) & 1n ? 1 : 0,
  }));
}

/** What cap2ctrl-style helpers do: force the must-be-1 bits on and the must-be-0 bits off. */
export function adjust(m: Masks, value: bigint): bigint {
  return (value | m.allowed0) & m.allowed1;
}

export interface BitChange {
  bit: number;
  from: BitState;
  to: BitState;
}

/** Bits whose state differs between two mask sets of the same field. */
export function diffMasks(a: Masks, b: Masks, bits: number): BitChange[] {
  const changed = ((a.allowed0 ^ b.allowed0) | (a.allowed1 ^ b.allowed1)) & widthMask(bits);
  return bitsOf(changed).map((bit) => ({ bit, from: bitState(a, bit), to: bitState(b, bit) }));
}

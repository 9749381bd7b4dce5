// One VM-entry check of the SDM (Vol. 3C ch. 27, "VM Entries", 2023 and later editions) as a small record.
import { bitsOf, hex } from '../catalogue/hex';
import type { Ctx } from './ctx';

export type CheckClass = 'control' | 'host' | 'guest' | 'msr-load';

export interface Rule {
  /** Stable id, e.g. "guest.cs.type". */
  id: string;
  /** SDM Vol. 3C section, e.g. "27.3.1.2". */
  section: string;
  class: CheckClass;
  /** The fields the check is about (shown and marked in editors); the rule may read others to decide if it applies. */
  fields: readonly number[];
  /** The requirement, in the SDM's terms. */
  text: string;
  /** False when the requirement does not apply to this state (the check passes). */
  when?: (c: Ctx) => boolean;
  /** Undefined when the requirement holds; else what is wrong, naming values and what was expected. */
  test: (c: Ctx) => string | undefined;
  /** Exit qualification of the VM-entry failure this check causes (guest checks; default 0). */
  qualification?: number;
  /** One line on how to fix it. */
  hint?: string;
}

export const h = (v: bigint) => hex(v);

/** "bits 11:0" / "bit 5" of a mask, for messages. */
export function bitsText(mask: bigint): string {
  const bits = bitsOf(mask);
  const runs: string[] = [];
  for (let i = 0; i < bits.length; ) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j] + 1) j++;
    runs.push(i === j ? `${bits[i]}` : `${bits[j]}:${bits[i]}`);
    i = j + 1;
  }
  return `${bits.length > 1 ? 'bits' : 'bit'} ${runs.reverse().join(', ')}`;
}

/** Failure text when `value` sets bits of `reserved`. */
export function reservedBits(what: string, value: bigint, reserved: bigint): string | undefined {
  const bad = value & reserved;
  return bad ? `${what} ${h(value)} sets reserved ${bitsText(bad)} (expected 0)` : undefined;
}

/** A 4-KByte aligned physical address within the CPU's physical-address width. */
export function pageAddress(c: Ctx, field: number, what: string): string | undefined {
  const a = c.v(field);
  if (a & 0xfffn) return `${what} ${h(a)} is not 4-KByte aligned (bits 11:0 must be 0)`;
  const wide = c.beyondWidth(a);
  return wide ? `${what} ${h(a)} ${wide}` : undefined;
}

/** The eight PAT entries each hold a valid memory type: 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-). */
export function patInvalid(what: string, pat: bigint): string | undefined {
  for (let i = 0; i < 8; i++) {
    const type = Number((pat >> BigInt(8 * i)) & 0xffn);
    if (![0, 1, 4, 5, 6, 7].includes(type)) return `${what} ${h(pat)}: entry PA${i} is ${type}, not a memory type (expected 0, 1, 4, 5, 6 or 7)`;
  }
  return undefined;
}

export function canonical(c: Ctx, field: number, what: string): string | undefined {
  const a = c.v(field);
  const bad = c.nonCanonical(a);
  return bad ? `${what} ${h(a)} ${bad}` : undefined;
}

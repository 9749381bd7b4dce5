// Differences between two capability sets: per field, existence and every bit whose state changed.
import { bitInfo } from '../catalogue/bits';
import type { CapabilitySet } from './capset';
import type { FieldCaps } from './derive';
import { WIDTH_BITS } from '../catalogue/encoding';
import { diffMasks, type BitState } from './masks';

export interface BitDiff {
  bit: number;
  name: string;
  a: BitState;
  b: BitState;
}

export interface FieldDiff {
  a: FieldCaps;
  b: FieldCaps;
  /** Bits whose state differs; empty when only existence or knowledge of the masks differs. */
  bits: BitDiff[];
}

export function compareCaps(a: CapabilitySet, b: CapabilitySet): FieldDiff[] {
  const out: FieldDiff[] = [];
  const bFields = new Map(b.all().map((f) => [f.record.encoding, f]));
  for (const fa of a.all()) {
    const fb = bFields.get(fa.record.encoding)!;
    const width = WIDTH_BITS[fa.record.width];
    const bits =
      fa.masks && fb.masks
        ? diffMasks(fa.masks, fb.masks, width).map((c) => ({ bit: c.bit, name: bitInfo(fa.record, c.bit)?.name ?? '', a: c.from, b: c.to }))
        : [];
    const knownDiffers = (fa.masks === null) !== (fb.masks === null);
    if (bits.length || knownDiffers || fa.exists !== fb.exists) out.push({ a: fa, b: fb, bits });
  }
  return out;
}

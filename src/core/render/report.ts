// What the renderers show about a field, computed once: masks, bit states, named bits, and value checks.
import { bitInfo, hasNamedBits } from '../catalogue/bits';
import type { FieldRecord } from '../catalogue/catalogue';
import type { FieldCaps } from '../caps/derive';
import { WIDTH_BITS } from '../catalogue/encoding';
import { bitsOf } from '../catalogue/hex';
import { adjust, bitState, check, stateMasks, type BitState, type StateMasks } from '../caps/masks';

export interface BitRow {
  bit: number;
  name: string;
  description?: string;
  state: BitState;
}

export interface FieldReport {
  record: FieldRecord;
  caps: FieldCaps;
  /** 16, 32 or 64 (high halves: 32). */
  bits: number;
  states: StateMasks | null;
  /** Every bit of the field with its state; names where the field's bits have them. */
  rows: BitRow[] | null;
}

export function fieldReport(record: FieldRecord, caps: FieldCaps): FieldReport {
  const bits = record.access === 'high' ? 32 : WIDTH_BITS[record.width];
  const m = caps.masks;
  const named = hasNamedBits(record);
  const rows = m
    ? Array.from({ length: bits }, (_, bit) => {
        const info = named ? bitInfo(record, bit) : undefined;
        return { bit, name: info?.name ?? '', ...(info?.description ? { description: info.description } : {}), state: bitState(m, bit) };
      })
    : null;
  return { record, caps, bits, states: m ? stateMasks(m, bits) : null, rows };
}

export interface ValueCheck {
  value: bigint;
  violations: BitRow[];
  adjusted: bigint;
  /** What the value breaks of the field's value constraints (failures, then notes). */
  constraints: { message: string; severity: 'fail' | 'note' }[];
}

export function checkValue(report: FieldReport, value: bigint): ValueCheck | null {
  const m = report.caps.masks;
  if (!m || !report.rows) return null;
  const violations = check(m, value).map((v) => report.rows![v.bit]);
  const constraints = report.caps.constraints.flatMap((c) => {
    const message = c.check?.(value);
    return message ? [{ message, severity: c.severity }] : [];
  });
  return { value, violations, adjusted: adjust(m, value), constraints };
}

/** Bit numbers of one state, ascending. */
export function bitsIn(report: FieldReport, state: keyof StateMasks): number[] {
  return report.states ? bitsOf(report.states[state]) : [];
}

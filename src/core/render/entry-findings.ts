// What a checked VMCS state or dump shows as problems, for every front end: each failing check on the values of
// the fields it reads (on the document's first lines when none has a place), and each dump line that was not read.
import { catalogue } from '../catalogue/catalogue';
import type { CapabilitySet } from '../caps/capset';
import { decodeField, hasDecoder } from '../decode/decode';
import type { VmcsInput } from '../dump/input';
import type { FieldSpot } from '../dump/read';
import type { EntryReport } from '../entry/engine';
import { reportedOutcome } from '../entry/outcome';
import { decodedMarkdown } from './markdown';

export interface EntryFinding {
  /** Where: a field's value, or undefined for the whole document (no field of the check has a place). */
  spot?: FieldSpot;
  /** A 1-based line for a dump line that was not read. */
  line?: number;
  severity: 'error' | 'warning' | 'information';
  code: string;
  message: string;
}

export function entryFindings(input: VmcsInput, report: EntryReport): EntryFinding[] {
  const out: EntryFinding[] = [];
  for (const check of report.checks) {
    if (check.status !== 'fail') continue;
    const message = `${check.message} (SDM ${check.section})${check.hint ? ` — ${check.hint}` : ''}`;
    const spots = check.fields.map((f) => input.spots.get(f)).filter((s): s is FieldSpot => s !== undefined);
    if (!spots.length) out.push({ severity: 'error', code: check.id, message });
    for (const spot of spots) out.push({ spot, severity: 'error', code: check.id, message });
  }
  for (const w of input.warnings) out.push({ line: w.line, severity: 'warning', code: 'dump-line', message: w.message });
  // What the dump says the CPU reported, where the checks predict otherwise: on its exit-reason value.
  const reported = reportedOutcome(input.fields, report.outcome);
  if (reported && !reported.agrees) out.push({ spot: input.spots.get(0x4402), severity: 'information', code: 'reported-outcome', message: reported.text });
  return out;
}

/** The 1-based line a state-file error names ("file:12: …"), or 1. */
export const stateErrorLine = (message: string): number => Number(/^[^:]*:(\d+):/.exec(message)?.[1] ?? 1);

/** A hover on a value of a checked state or dump: the value decoded (with the CPU's masks), and the checks it fails. */
export function entryValueMarkdown(input: VmcsInput, report: EntryReport, encoding: number, caps: CapabilitySet, sourceId: string): string {
  const record = catalogue().byEncodingNumber(encoding)!;
  const value = input.fields.get(encoding)!;
  const decoded = hasDecoder(record) ? decodeField(record, value, { exitReason: input.fields.get(0x4402), masks: caps.of(record).masks }) : undefined;
  const failing = report.checks.filter((k) => k.status === 'fail' && k.fields.includes(encoding));
  return decodedMarkdown(record, value, decoded, failing, sourceId);
}

// Any VMCS input a user has: a state file (JSON), a KVM or Xen dump, or a `NAME = value` list — detected, or as told.
import { detectFormat, readDump, type DumpFormat, type DumpRead, type FieldSpot } from './read';
import { parseState, STATE_FORMAT } from './state-file';
import { lineOf } from '../catalogue/json-text';

export type InputFormat = typeof STATE_FORMAT | DumpFormat;

/** What any reader gives: field values, where each one is (state files: the key), the MSR-load list, warnings. */
export type VmcsInput = Omit<DumpRead, 'format'> & { format: InputFormat };

export function detectInput(text: string): InputFormat {
  return /^\s*\{/.test(text) ? STATE_FORMAT : detectFormat(text);
}

/** Reads `text`; `where` names it in errors (a state file with an error throws StateError; a dump warns per line). */
export function readInput(text: string, where: string, format: InputFormat = detectInput(text)): VmcsInput {
  if (format !== STATE_FORMAT) return readDump(text, format);
  const state = parseState(text, where);
  const spots = new Map<number, FieldSpot>();
  for (const [encoding, key] of state.keys) {
    const line = lineOf(text, ['fields', key]) ?? 1;
    const lineText = text.split('\n')[line - 1] ?? '';
    const start = Math.max(0, lineText.indexOf(JSON.stringify(key)));
    spots.set(encoding, { line, start, end: start + JSON.stringify(key).length });
  }
  return { format, fields: state.fields, spots, msrLoad: state.msrLoad, warnings: [] };
}

/** The field whose value (or state-file key) is at a 0-based line and column, and where it is. */
export function fieldAt(input: VmcsInput, line: number, character: number): { encoding: number; spot: FieldSpot } | undefined {
  const hit = (s: FieldSpot) => s.line - 1 === line && character >= s.start && character < s.end;
  for (const [encoding, spot] of input.spots) if (hit(spot)) return { encoding, spot };
  return input.repeats?.find((r) => hit(r.spot));
}

/** An input with no field in it is no state to check (every check would be left open): what to say instead. */
export function nothingRead(where: string, input: Pick<VmcsInput, 'format' | 'warnings'>): string {
  const first = input.warnings[0];
  return `${where}: no VMCS field read (as ${input.format}${first ? `; line ${first.line}: ${first.message}` : ', the input is empty'})`;
}

// Plain-text rendering for the terminal: aligned tables, hex and nibble-grouped binary.
import type { Decoded } from '../decode/decode';
import type { EntryReport } from '../entry/engine';
import { outcomeText, reportedOutcome } from '../entry/outcome';
import type { Catalogue, FieldRecord } from '../catalogue/catalogue';
import { CONTROL_BY_KEY, type ControlBit } from '../catalogue/controls';
import { bitRanges, hex, nibbles } from '../catalogue/hex';
import type { BitState } from '../caps/masks';
import type { DecodedMsr } from '../caps/capabilities';
import type { FieldDiff } from '../caps/compare';
import { bitsIn, fieldReport, type BitRow, type FieldReport, type ValueCheck } from './report';
import type { Snapshot } from '../caps/snapshot';
import { bitAcross, fieldAcross, writeAcross, type Fleet } from '../caps/fleet';
import { bitAcrossText, cpuList, fieldAcrossText, writeAcrossText } from '../caps/fleet-text';
import { bitInfo } from '../catalogue/bits';
import { WIDTH_BITS } from '../catalogue/encoding';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

const STATE_TEXT: Readonly<Record<BitState, string>> = { 'must-be-1': 'must be 1', 'must-be-0': 'must be 0', free: 'free', undefined: 'UNDEFINED' };

export function sourceText(id: string, snapshot: Snapshot, reasons: readonly string[]): string {
  const s = snapshot.source;
  const lines = [`source: ${id} (${s.kind})${s.cpu ? ` — ${s.cpu}` : ''}`];
  if (s.capturedAt) lines.push(`captured: ${s.capturedAt}`);
  for (const r of reasons) lines.push(`  ${r}`);
  return lines.join('\n');
}

export function lookupText(record: FieldRecord, cat: Catalogue): string {
  const head = `${record.name}  ${record.hex}\n  ${record.description}\n  width ${record.width === 'natural' ? 'natural' : record.width + '-bit'}, type ${record.type}, access ${record.access}, index ${record.index}`;
  const rows = cat.schemes.filter((t) => record.aliases[t.scheme]?.length).map((t) => [`  ${t.scheme}:`, record.aliases[t.scheme].join(', ')]);
  return rows.length ? `${head}\n${table(rows)}` : head;
}

/** A control bit: its field and number, description, state on the source (when asked), and names per scheme. */
export function bitLookupText(bit: ControlBit, state: BitState | null | undefined): string {
  const control = CONTROL_BY_KEY.get(bit.control)!;
  const lines = [
    `${bit.name}  bit ${bit.bit} of ${control.title} (${hex(BigInt(control.field), 4)}), mask ${hex(1n << BigInt(bit.bit))}`,
    `  ${bit.description}${bit.default1 ? ' (a default1 control)' : ''}`,
  ];
  if (state !== undefined) lines.push(`  on this source: ${state ?? 'unknown'}`);
  const rows = Object.entries(bit.aliases).filter(([, names]) => names.length).map(([scheme, names]) => [`  ${scheme}:`, [...new Set(names)].join(', ')]);
  return rows.length ? `${lines.join('\n')}\n${table(rows)}` : lines.join('\n');
}

/**
 * A field's row in a quick pick: every distinct name once (the row's label aside), and which schemes use each name.
 */
export function fieldPickRow(record: FieldRecord, cat: Catalogue, label: string): { description: string; schemes: string } {
  const byName = new Map<string, string[]>();
  for (const t of cat.schemes) for (const n of record.aliases[t.scheme] ?? []) byName.set(n, [...(byName.get(n) ?? []), t.scheme]);
  const names = [record.name, ...byName.keys()].filter((n, i, all) => n !== label && all.indexOf(n) === i);
  return {
    description: `${record.hex}  ${names.join('  ')}`,
    schemes: [...byName].map(([n, schemes]) => `${n}: ${[...new Set(schemes)].join(', ')}`).join('; '),
  };
}

/**
 * `vmcs caps`: the decoded BASIC, MISC, EPT/VPID, VMFUNC and VMCS_ENUM MSRs, then every control's named bits with
 * what this CPU allows (what QEMU's vmxcap prints, and the TRUE-MSR view of default1 bits).
 */
export function capsText(decoded: readonly DecodedMsr[], controls: readonly FieldReport[]): string {
  const out: string[] = [];
  for (const m of decoded) {
    out.push(`${m.title} — ${m.name} (${hex(BigInt(m.index))})${m.value !== undefined ? ` = ${hex(m.value, 16)}` : ''}`);
    if (m.status !== 'present') out.push(`  ${m.status}: ${m.reason}`);
    else out.push(table(m.fields.map((f) => [`  ${f.name}`, `[${f.bits}]`, f.text])));
    out.push('');
  }
  for (const r of controls) {
    out.push(`${r.record.name} (${r.record.hex}) — ${r.caps.basis}`);
    if (!r.rows) {
      out.push(`  unknown${r.caps.exists === false ? ': the CPU does not have it' : ''}`, '');
      continue;
    }
    const named = r.rows.filter((b) => b.name && !b.name.startsWith('reserved'));
    out.push(table(named.map((b) => [`  ${b.name}`, `[${b.bit}]`, CAPS_STATE[b.state]])), '');
  }
  return out.join('\n').trimEnd();
}

/** How vmxcap words a control bit's state. */
const CAPS_STATE: Readonly<Record<BitState, string>> = { 'must-be-1': 'default (must be 1)', 'must-be-0': 'no', free: 'yes', undefined: 'contradictory data' };

const digits = (r: FieldReport) => r.bits / 4;

/** One-line summary of a field's constraints, e.g. "must be 1: 1, 2, 4; must be 0: 7-31". */
export function constraintSummary(r: FieldReport): string {
  if (r.caps.exists === false) return 'does not exist';
  if (!r.states) return 'unknown';
  if (r.record.type === 'read-only') return r.caps.writable ? 'read-only (VMWRITE allowed: MISC bit 29)' : 'read-only';
  const parts: string[] = [];
  const one = bitsIn(r, 'mustBe1');
  const zero = bitsIn(r, 'mustBe0');
  const undef = bitsIn(r, 'undefined');
  if (one.length) parts.push(`must be 1: ${bitRanges(one)}`);
  if (zero.length) parts.push(`must be 0: ${bitRanges(zero)}`);
  if (undef.length) parts.push(`UNDEFINED: ${bitRanges(undef)}`);
  // No mask limits it, but VM entry may (CR3-target count, activity state, EPTP).
  if (r.caps.constraints.some((c) => c.severity === 'fail')) parts.push('value constrained');
  return parts.join('; ') || 'any value';
}

const existsText = (e: boolean | null) => (e === null ? '?' : e ? 'yes' : 'no');

export function masksText(reports: readonly FieldReport[]): string {
  const rows = [['ENCODING', 'NAME', 'ALLOWED0', 'ALLOWED1', 'EXISTS', 'CONSTRAINTS']];
  for (const r of reports) {
    const m = r.caps.masks;
    rows.push([r.record.hex, r.record.name, m ? hex(m.allowed0, digits(r)) : '?', m ? hex(m.allowed1, digits(r)) : '?', existsText(r.caps.exists), constraintSummary(r)]);
  }
  return table(rows);
}

export function bitsText(r: FieldReport, check: ValueCheck | null): string {
  const m = r.caps.masks;
  const out = [`${r.record.name} (${r.record.hex}), ${r.bits}-bit ${r.record.type} field; exists: ${existsText(r.caps.exists)}`];
  if (r.caps.basis) out.push(`masks from: ${r.caps.basis}`);
  for (const n of r.caps.notes) out.push(`note: ${n}`);
  if (!m || !r.rows) return [...out, 'masks: unknown for this source'].join('\n');
  out.push(table([
    ['allowed0', hex(m.allowed0, digits(r)), nibbles(m.allowed0, r.bits)],
    ['allowed1', hex(m.allowed1, digits(r)), nibbles(m.allowed1, r.bits)],
  ]));
  out.push(constraintSummary(r));
  for (const c of r.caps.constraints) out.push(`value constraint: ${c.text}${c.severity === 'note' ? ' (recommendation)' : ''}`);
  // Reserved bits that must be 0 are the rule, not news: one line for all of them.
  const quiet = (b: BitRow) => b.state === 'must-be-0' && b.name === 'reserved';
  const listed = r.rows.filter((b) => !quiet(b) && (b.name || b.state !== 'free'));
  if (listed.length) out.push('', table([['BIT', 'STATE', 'NAME'], ...listed.map((b) => [String(b.bit).padStart(3), STATE_TEXT[b.state], b.name])]));
  const reserved = r.rows.filter(quiet).map((b) => b.bit);
  if (reserved.length) out.push(`bits ${bitRanges(reserved)}: reserved, must be 0`);
  if (check) {
    out.push('', `value     ${hex(check.value, digits(r))}`);
    if (check.violations.length === 0 && !check.constraints.some((c) => c.severity === 'fail')) out.push('violations: none');
    for (const v of check.violations) out.push(`violation: bit ${v.bit}${v.name ? ` (${v.name})` : ''} ${STATE_TEXT[v.state]}`);
    for (const c of check.constraints) out.push(`${c.severity === 'fail' ? 'violation' : 'note'}: ${c.message}`);
    out.push(`adjusted  ${hex(check.adjusted, digits(r))}  ((value | allowed0) & allowed1)`);
  }
  return out.join('\n');
}

export function diffText(a: string, b: string, diffs: readonly FieldDiff[]): string {
  if (!diffs.length) return `no differences between ${a} and ${b}`;
  const out = [`${diffs.length} field${diffs.length === 1 ? '' : 's'} differ between a = ${a} and b = ${b}`];
  for (const d of diffs) {
    const masks = (f: FieldDiff['a']) => (f.masks ? `${hex(f.masks.allowed0)}/${hex(f.masks.allowed1)}` : 'unknown');
    out.push('', `${d.a.record.hex}  ${d.a.record.name}  a: ${masks(d.a)} exists ${existsText(d.a.exists)}  b: ${masks(d.b)} exists ${existsText(d.b.exists)}`);
    // Named bits one by one; unnamed and reserved bits grouped by their change, as ranges.
    const rows = d.bits.filter((x) => x.name && !x.name.startsWith('reserved')).map((x) => [`  bit ${x.bit}`, x.name, `a: ${STATE_TEXT[x.a]}`, `b: ${STATE_TEXT[x.b]}`]);
    const groups = new Map<string, number[]>();
    for (const x of d.bits) if (!x.name || x.name.startsWith('reserved')) groups.set(`${x.a}|${x.b}`, [...(groups.get(`${x.a}|${x.b}`) ?? []), x.bit]);
    for (const [key, list] of groups) {
      const [from, to] = key.split('|') as [BitState, BitState];
      rows.push([`  bit${list.length > 1 ? 's' : ''} ${bitRanges(list)}`, d.bits.find((x) => x.bit === list[0])!.name ? 'reserved' : '', `a: ${STATE_TEXT[from]}`, `b: ${STATE_TEXT[to]}`]);
    }
    if (rows.length) out.push(table(rows));
  }
  return out.join('\n');
}

const STATUS_LABEL = { fail: 'FAIL', 'not-checked': 'NOT CHECKED', pass: 'pass' } as const;

/** `vmcs check`: the outcome, failing checks with section and hint, not-checked ones with why (grouped by the field a
 * partial state lacks), then the counts. */
export function checkText(report: EntryReport, input: { path: string; format: string; fields: ReadonlyMap<number, bigint>; warnings?: readonly { line: number; message: string }[] }, all = false): string {
  const lines = [`input: ${input.path} (${input.format}, ${input.fields.size} fields)`];
  for (const w of input.warnings ?? []) lines.push(`warning: line ${w.line}: ${w.message}`);
  lines.push(`outcome: ${outcomeText(report.outcome)}`);
  const reported = reportedOutcome(input.fields, report.outcome);
  if (reported) lines.push(`reported: ${reported.text}`);
  lines.push('');
  const lacking = new Map<string, string[]>();
  for (const c of report.checks) {
    if (c.status === 'pass' && !all) continue;
    const missing = c.status === 'not-checked' && /^needs (.*), which the state lacks$/.exec(c.message);
    if (missing) {
      lacking.set(missing[1], [...(lacking.get(missing[1]) ?? []), c.id]);
      continue;
    }
    lines.push(`${STATUS_LABEL[c.status].padEnd(11)} ${c.id} [SDM ${c.section}] ${c.message}`);
    if (c.hint) lines.push(`${' '.repeat(12)}hint: ${c.hint}`);
  }
  for (const [field, ids] of lacking) {
    lines.push(`NOT CHECKED ${ids.length} ${ids.length > 1 ? 'checks need' : 'check needs'} ${field}, which the state lacks: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`);
  }
  const { pass, fail, notChecked } = report.counts;
  lines.push(`${report.checks.length} checks: ${fail} fail, ${notChecked} not checked, ${pass} pass`);
  return lines.join('\n');
}

/** `vmcs decode`: the value, then one line per bit or sub-field. */
export function decodedText(label: string, d: Decoded): string {
  const lines = [`${label} = ${hex(d.value)}: ${d.title}`, `  ${d.summary}`];
  for (const p of d.parts) lines.push(`  ${`bit${p.bits.includes(':') ? 's' : ''} ${p.bits}`.padEnd(10)} ${p.name}: ${p.text}${p.problem ? ` (${p.problem})` : ''}`);
  if (d.reserved) lines.push(`  reserved bits set: ${hex(d.reserved)}`);
  return lines.join('\n');
}

/** `masks --targets`: one table per field, a row per target CPU, and the count of CPUs that have the field. */
export function acrossMasksText(records: readonly FieldRecord[], fleet: Fleet): string {
  return records
    .map((record) => {
      const rows = fleet.map((t) => {
        const r = fieldReport(record, t.caps.of(record));
        const m = r.caps.masks;
        return [t.label, r.caps.exists === null ? 'unknown' : r.caps.exists ? 'yes' : 'no', m ? hex(m.allowed0, r.bits / 4) : 'unknown', m ? hex(m.allowed1, r.bits / 4) : 'unknown'];
      });
      return `${record.name} (${record.hex}): ${fieldAcrossText(fieldAcross(fleet, record), fleet.length)}\n${table([['CPU', 'EXISTS', 'ALLOWED0', 'ALLOWED1'], ...rows])}`;
    })
    .join('\n\n');
}

/** `bits --targets`: each named bit across the targets, then (with a value) which CPUs reject it. */
export function acrossBitsText(record: FieldRecord, fleet: Fleet, value?: bigint): string {
  const width = record.access === 'high' ? 32 : WIDTH_BITS[record.width];
  const lines: string[] = [`${record.name} (${record.hex}) across ${fleet.length} target CPUs`];
  for (let bit = 0; bit < width; bit++) {
    const a = bitAcross(fleet, record, bit);
    const name = bitInfo(record, bit)?.name;
    // Bits no target may set and none names are reserved everywhere: one line for them would say nothing.
    if (!a.may1.length && !a.unknown.length && (!name || /^(reserved|bit \d+)$/.test(name))) continue;
    lines.push(`  bit ${String(bit).padStart(2)}${name ? ` ${name}` : ''}: ${bitAcrossText(a, fleet.length)}`);
  }
  if (value !== undefined) {
    const across = writeAcross(fleet, record, value);
    lines.push('', writeAcrossText(record, value, across, fleet.length) ?? `writes ${hex(value)} to ${record.name}: accepted by all ${across.accepting.length} target CPUs whose masks are known`);
    if (across.missing.length) lines.push(`  the field does not exist on: ${cpuList(across.missing)}`);
  }
  return lines.join('\n');
}

// The JSON shapes of the CLI contract (DESIGN.md §4): every 64-bit value as a "0x…" string.
import type { Decoded } from '../decode/decode';
import type { Decided, EntryReport } from '../entry/engine';
import { outcomeText, reportedOutcome } from '../entry/outcome';
import type { Catalogue, FieldRecord } from '../catalogue/catalogue';
import { CONTROL_BY_KEY, type ControlBit } from '../catalogue/controls';
import type { BitState } from '../caps/masks';
import type { DecodedMsr } from '../caps/capabilities';
import { hex } from '../catalogue/hex';
import type { FieldDiff } from '../caps/compare';
import { fieldReport, type FieldReport, type ValueCheck } from './report';
import type { Snapshot } from '../caps/snapshot';
import { bitAcross, writeAcross, type Fleet, type Target } from '../caps/fleet';
import { bitInfo } from '../catalogue/bits';
import { WIDTH_BITS } from '../catalogue/encoding';

export function lookupJson(query: string, record: FieldRecord, cat: Catalogue) {
  const aliases: Record<string, string[]> = {};
  for (const t of cat.schemes) aliases[t.scheme] = record.aliases[t.scheme] ?? [];
  return {
    query,
    encoding: record.hex,
    name: record.name,
    description: record.description,
    width: record.width,
    type: record.type,
    access: record.access,
    index: record.index,
    aliases,
    ...(record.full ? { fullEncoding: record.full.hex } : {}),
  };
}

/** A control bit by one of its names: its control field, number, names across schemes, and its state when masks are known. */
export function bitLookupJson(query: string, bit: ControlBit, state: BitState | null | undefined) {
  const control = CONTROL_BY_KEY.get(bit.control)!;
  return {
    query,
    kind: 'bit' as const,
    control: { key: control.key, encoding: hex(BigInt(control.field), 4), name: control.title },
    bit: bit.bit,
    mask: hex(1n << BigInt(bit.bit)),
    name: bit.name,
    description: bit.description,
    default1: bit.default1,
    aliases: bit.aliases,
    ...(state !== undefined ? { state } : {}),
  };
}

/** `vmcs caps --json`: the decoded MSRs (values as "0x…"), then each control's bits with their states. */
export function capsJson(decoded: readonly DecodedMsr[], controls: readonly FieldReport[]) {
  return {
    msrs: decoded.map((m) => ({
      index: hex(BigInt(m.index)),
      name: m.name,
      title: m.title,
      status: m.status,
      value: m.value === undefined ? null : hex(m.value),
      ...(m.reason ? { reason: m.reason } : {}),
      fields: m.fields.map((f) => ({ bits: f.bits, name: f.name, value: f.format === 'flag' ? f.raw === 1n : hex(f.raw), text: f.text })),
    })),
    controls: controls.map((r) => ({
      encoding: r.record.hex,
      name: r.record.name,
      exists: r.caps.exists,
      basis: r.caps.basis,
      bits: r.rows ? r.rows.filter((b) => b.name && !b.name.startsWith('reserved')).map((b) => ({ bit: b.bit, name: b.name, state: b.state })) : null,
    })),
  };
}

export function sourceJson(id: string, snapshot: Snapshot, reasons: readonly string[]) {
  return { id, ...snapshot.source, reasons };
}

export function masksJson(r: FieldReport) {
  const m = r.caps.masks;
  return {
    encoding: r.record.hex,
    name: r.record.name,
    allowed0: m ? hex(m.allowed0) : null,
    allowed1: m ? hex(m.allowed1) : null,
    exists: r.caps.exists,
    writable: r.caps.writable,
    basis: r.caps.basis,
    ...(r.caps.notes.length ? { notes: r.caps.notes } : {}),
    ...(r.caps.constraints.length ? { constraints: r.caps.constraints.map((c) => ({ text: c.text, severity: c.severity, known: c.check !== undefined })) } : {}),
  };
}

export function bitsJson(r: FieldReport, check: ValueCheck | null) {
  return {
    ...masksJson(r),
    width: r.record.width,
    bits: (r.rows ?? []).map((b) => ({ bit: b.bit, name: b.name, state: b.state })),
    ...(check
      ? {
          value: hex(check.value),
          violations: check.violations.map((b) => ({ bit: b.bit, name: b.name, state: b.state })),
          adjusted: hex(check.adjusted),
          ...(check.constraints.length ? { constraintViolations: check.constraints } : {}),
        }
      : {}),
  };
}

export function diffJson(d: FieldDiff) {
  const side = (f: FieldDiff['a']) => ({ allowed0: f.masks ? hex(f.masks.allowed0) : null, allowed1: f.masks ? hex(f.masks.allowed1) : null, exists: f.exists });
  return { encoding: d.a.record.hex, name: d.a.record.name, a: side(d.a), b: side(d.b), bits: d.bits };
}

/** `vmcs check --json` (DESIGN.md §4): failing checks first; encodings and 64-bit values as "0x…" strings. */
export function checkJson(report: EntryReport, input: { path: string; format: string; fields: ReadonlyMap<number, bigint>; warnings: readonly { line: number; message: string }[] }) {
  const decided = (o: Decided) =>
    o.result === 'vmfail' ? { result: o.result, error: o.error }
    : o.result === 'entry-failure' ? { result: o.result, exitReason: hex(BigInt(o.exitReason)), qualification: hex(BigInt(o.qualification)) }
    : { result: o.result };
  const o = report.outcome;
  const outcome = o.result === 'undecided' ? { result: o.result, because: o.because, ifOpenPass: decided(o.ifOpenPass) } : decided(o);
  return {
    input: { path: input.path, format: input.format, fields: Object.fromEntries([...input.fields].map(([k, v]) => [hex(BigInt(k), 4), hex(v)])), warnings: input.warnings },
    outcome: { ...outcome, text: outcomeText(o) },
    ...reportedJson(input.fields, o),
    checks: report.checks.map((c) => ({ id: c.id, section: c.section, class: c.class, status: c.status, fields: c.fields.map((f) => hex(BigInt(f), 4)), message: c.message, ...(c.hint ? { hint: c.hint } : {}) })),
    counts: report.counts,
  };
}

/** `reported`: the VM-entry failure the dump's exit-reason field holds, and whether the prediction agrees. */
function reportedJson(fields: ReadonlyMap<number, bigint>, o: EntryReport['outcome']) {
  const r = reportedOutcome(fields, o);
  return r ? { reported: { exitReason: hex(BigInt(r.exitReason)), agrees: r.agrees, text: r.text } } : {};
}

export function decodedJson(d: Decoded, field?: { encoding: number; name: string }) {
  return {
    ...(field ? { field: { encoding: hex(BigInt(field.encoding), 4), name: field.name } } : {}),
    value: hex(d.value),
    title: d.title,
    summary: d.summary,
    parts: d.parts.map((p) => ({ bits: p.bits, name: p.name, value: hex(p.value), text: p.text, ...(p.problem ? { problem: p.problem } : {}) })),
    ...(d.reserved ? { reserved: hex(d.reserved) } : {}),
  };
}

/** `masks --targets --json`: each field with its masks on every target. */
export function acrossMasksJson(records: readonly FieldRecord[], fleet: Fleet) {
  return {
    targets: fleet.map((t) => ({ id: t.id, label: t.label })),
    fields: records.map((record) => ({ encoding: record.hex, name: record.name, targets: fleet.map((t) => ({ target: t.id, ...masksJson(fieldReport(record, t.caps.of(record))) })) })),
  };
}

/** `bits --targets --json`: each bit's state across the targets (target ids), and with a value the CPUs that reject it. */
export function acrossBitsJson(record: FieldRecord, fleet: Fleet, value?: bigint) {
  const ids = (ts: readonly Target[]) => ts.map((t) => t.id);
  const width = record.access === 'high' ? 32 : WIDTH_BITS[record.width];
  const bits = Array.from({ length: width }, (_, bit) => {
    const a = bitAcross(fleet, record, bit);
    return { bit, name: bitInfo(record, bit)?.name ?? '', may1: ids(a.may1), must0: ids(a.must0), must1: ids(a.must1), unknown: ids(a.unknown) };
  });
  const across = value === undefined ? undefined : writeAcross(fleet, record, value);
  return {
    targets: fleet.map((t) => ({ id: t.id, label: t.label })),
    encoding: record.hex,
    name: record.name,
    bits,
    ...(across && value !== undefined
      ? { value: { value: hex(value), rejecting: across.rejecting.map((r) => ({ target: r.target.id, bits: r.violations.map((v) => ({ bit: v.bit, state: v.state })) })), accepting: ids(across.accepting), missing: ids(across.missing), unknown: ids(across.unknown) } }
      : {}),
  };
}

// Markdown for hovers and tree tooltips (one renderer, two call sites). Links are passed in by the caller.
import type { ControlBit } from '../catalogue/controls';
import { CONTROL_BY_KEY } from '../catalogue/controls';
import { catalogue, type Catalogue, type FieldRecord } from '../catalogue/catalogue';
import { bitAcross, fieldAcross, type Fleet } from '../caps/fleet';
import { bitAcrossText, fieldAcrossText } from '../caps/fleet-text';
import type { Decoded } from '../decode/decode';
import type { CheckResult } from '../entry/engine';
import { bitRanges, hex, nibbles } from '../catalogue/hex';
import type { BitState } from '../caps/masks';
import { sourceName } from './source-name';
import { bitsIn, type FieldReport } from './report';
import type { Snapshot } from '../caps/snapshot';

export interface Link {
  title: string;
  /** A full `command:` URI, already encoded. */
  uri: string;
}

const STATE_MD: Readonly<Record<BitState, string>> = {
  'must-be-1': '**must be 1**',
  'must-be-0': 'must be 0',
  free: 'free',
  undefined: '**UNDEFINED** (contradictory capability data)',
};

/** Markdown with its special characters escaped. */
export const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => '\\' + c);

/**
 * Where the masks come from. Hovers name a snapshot by its file name and description (`short`); the status and tree
 * tooltips give the whole source id, full path included.
 */
export function sourceLine(sourceId: string, snapshot: Snapshot, short = false): string {
  const s = snapshot.source;
  const name = short ? sourceName(sourceId) : sourceId;
  const description = short && sourceId.startsWith('snapshot:') && s.description ? ` (${esc(s.description)})` : '';
  return `Masks from \`${name}\`${description}${s.cpu ? ` — ${esc(s.cpu)}` : ''}${s.capturedAt ? `, captured ${esc(s.capturedAt)}` : ''}`;
}

export interface FieldMarkdownOptions {
  /** The name as written at the hover position (shown in the title). */
  title?: string;
  sourceId: string;
  snapshot: Snapshot;
  links?: readonly Link[];
  catalogue: Catalogue;
  /** The target CPUs (vmcsInspector.targets), for one line on where the field exists. */
  targets?: Fleet;
}

export function fieldMarkdown(r: FieldReport, o: FieldMarkdownOptions): string {
  const rec = r.record;
  const out: string[] = [];
  out.push(`### \`${o.title ?? rec.name}\` — ${esc(rec.name)}`, '', '---', '');
  out.push('| encoding | width | type | access |', '|---|---|---|---|');
  out.push(`| \`${rec.hex}\` | ${rec.width === 'natural' ? 'natural' : rec.width + '-bit'} | ${rec.type} | ${rec.access} |`, '');
  out.push(esc(rec.description), '');
  if (r.caps.exists === false) out.push(`$(error) **Does not exist on this CPU**: ${esc(r.caps.basis)}. A VMWRITE to it fails.`, '');
  else if (r.caps.exists === null && r.caps.basis.startsWith('unknown')) out.push(`$(question) Existence unknown: ${esc(r.caps.basis)}`, '');
  if (rec.type === 'read-only') {
    const why = r.caps.notes.find((n) => n.includes('IA32_VMX_MISC'));
    out.push(`$(lock) Read-only (VM-exit information)${r.caps.writable ? ': writable here' : ''}${why ? ` — ${esc(why)}` : ''}.`, '');
  }
  const m = r.caps.masks;
  if (!m) {
    out.push(`Masks: unknown for this source (${esc(r.caps.basis)}).`, '');
  } else if (rec.type !== 'read-only' && r.caps.exists !== false) {
    const digits = r.bits / 4;
    out.push('```', `allowed0 ${hex(m.allowed0, digits)}  ${nibbles(m.allowed0, r.bits)}`, `allowed1 ${hex(m.allowed1, digits)}  ${nibbles(m.allowed1, r.bits)}`, '```', '');
    const one = bitsIn(r, 'mustBe1');
    const zero = bitsIn(r, 'mustBe0');
    const undef = bitsIn(r, 'undefined');
    out.push(`**must be 1:** ${one.length ? `bits ${bitRanges(one)}` : 'none'}  `);
    out.push(`**must be 0:** ${zero.length ? `bits ${bitRanges(zero)}` : 'none'}  `);
    if (undef.length) out.push(`$(warning) **undefined (allowed0 = 1, allowed1 = 0):** bits ${bitRanges(undef)}  `);
  }
  // A field no mask forbids is not "any value" when VM entry constrains it.
  if (r.caps.constraints.length && r.caps.exists !== false) {
    out.push('', '**Value constraints (VM entry):**', '');
    for (const c of r.caps.constraints) out.push(`- ${esc(c.text)}${c.severity === 'note' ? ' (recommendation)' : ''}`);
    out.push('');
  }
  out.push(`${sourceLine(o.sourceId, o.snapshot, true)}${r.caps.basis && m ? ` (${esc(r.caps.basis)})` : ''}`, '');
  if (o.targets?.length) out.push(`$(server-environment) ${esc(fieldAcrossText(fieldAcross(o.targets, rec), o.targets.length))}`, '');
  const named = m && rec.type !== 'read-only' ? (r.rows ?? []).filter((b) => b.name && !(b.name === 'reserved' && b.state === 'must-be-0')) : [];
  if (named.length) {
    out.push('| bit | name | state |', '|--:|---|---|');
    for (const b of named) out.push(`| ${b.bit} | ${esc(b.name)} | ${STATE_MD[b.state]} |`);
    out.push('');
  }
  for (const n of r.caps.notes) out.push(`$(info) ${esc(n)}`, '');
  const others = o.catalogue.schemes
    .filter((t) => rec.aliases[t.scheme]?.length)
    .map((t) => `${t.scheme} \`${rec.aliases[t.scheme][0]}\``);
  if (others.length) out.push(`Also: ${others.join(' · ')}`, '');
  if (o.links?.length) out.push(o.links.map((l) => `[${l.title}](${l.uri})`).join(' · '));
  return out.join('\n');
}

export function bitMarkdown(bit: ControlBit, state: BitState | undefined, name: string, o: { sourceId: string; snapshot: Snapshot; links?: readonly Link[]; targets?: Fleet }): string {
  const control = CONTROL_BY_KEY.get(bit.control)!;
  const out = [
    `### \`${name}\` — ${esc(bit.name)}`,
    '',
    '---',
    '',
    `Bit ${bit.bit} of ${esc(control.title)} (\`0x${control.field.toString(16).padStart(4, '0')}\`), mask \`${hex(1n << BigInt(bit.bit))}\``,
    '',
    esc(bit.description),
    '',
    state ? `On this CPU: ${STATE_MD[state]}` : 'On this CPU: unknown',
    '',
    sourceLine(o.sourceId, o.snapshot, true),
  ];
  if (o.targets?.length) {
    const record = catalogue().byEncodingNumber(control.field)!;
    out.push('', `$(server-environment) ${esc(bitAcrossText(bitAcross(o.targets, record, bit.bit), o.targets.length))}`);
  }
  if (bit.default1) out.push('', 'A default1 control: 1 unless the TRUE capability MSR allows 0.');
  if (o.links?.length) out.push('', o.links.map((l) => `[${l.title}](${l.uri})`).join(' · '));
  return out.join('\n');
}

/** Hover on a value in a VMCS state or dump: the field, the value decoded bit by bit, and the checks it fails. */
export function decodedMarkdown(record: FieldRecord, value: bigint, decoded: Decoded | undefined, failing: readonly CheckResult[], sourceId: string): string {
  const out = [`### \`${record.name}\` = \`${hex(value)}\``, '', `${record.hex} · ${record.width === 'natural' ? 'natural-width' : `${record.width}-bit`} ${record.type} field`, ''];
  if (decoded) {
    out.push(`**${esc(decoded.title)}:** ${esc(decoded.summary)}`, '', '| bits | | value |', '|---|---|---|');
    for (const p of decoded.parts) out.push(`| ${p.bits} | ${esc(p.name)} | ${esc(p.text)}${p.problem ? ` — **${esc(p.problem)}**` : ''} |`);
    if (decoded.reserved) out.push('', `**Reserved bits set:** \`${hex(decoded.reserved)}\``);
    out.push('');
  }
  for (const c of failing) out.push(`**Fails \`${c.id}\`** (SDM ${c.section}): ${esc(c.message)}`, '');
  out.push(`<sub>checks and masks: ${esc(sourceId)}</sub>`);
  return out.join('\n');
}

/** The constant a source line writes to a field, decoded: a section under the field's hover, or a hover of its own. */
export function writtenValueMarkdown(value: bigint, decoded: Decoded, fieldName?: string): string {
  const out = [fieldName ? `### \`${hex(value)}\` written to \`${fieldName}\`` : `**Value written: \`${hex(value)}\`** — ${esc(decoded.title)}`, ''];
  out.push(esc(decoded.summary), '', '| bits | | value |', '|---|---|---|');
  for (const p of decoded.parts) out.push(`| ${p.bits} | ${esc(p.name)} | ${esc(p.text)}${p.problem ? ` — **${esc(p.problem)}**` : ''} |`);
  if (decoded.reserved) out.push('', `**Reserved bits set:** \`${hex(decoded.reserved)}\``);
  return out.join('\n');
}


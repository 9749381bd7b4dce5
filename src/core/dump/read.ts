// Reads the VMCS dumps developers paste — KVM's dump_vmcs(), Xen's vmcs_dump_vcpu(), `NAME = value` lists — into
// field values, each with the line it came from. A line that is not understood is a warning with its line number.
import { catalogue } from '../catalogue/catalogue';
import { WIDTH_BITS } from '../catalogue/encoding';
import { hex } from '../catalogue/hex';
import data from './data/dump-lines.json';
import { cleanLines, type CleanLine } from './clean';
import type { MsrEntry } from './msr-entry';
import { compile, type Template } from './template';

export type DumpFormat = 'kvm' | 'xen' | 'list';
type Section = 'guest' | 'host' | 'control' | 'any';

export interface FieldSpot {
  /** 1-based line, and the value's columns in the original line. */
  line: number;
  start: number;
  end: number;
}

export interface DumpRead {
  format: DumpFormat;
  fields: Map<number, bigint>;
  spots: Map<number, FieldSpot>;
  /** Other places a dump prints the same value of a field (Xen's exit reason in the header and the VMExit line): hovers only. */
  repeats?: { encoding: number; spot: FieldSpot }[];
  msrLoad?: MsrEntry[];
  warnings: { line: number; message: string }[];
}

interface LineRule {
  section: Section;
  t: Template;
  software?: string;
}

let rules: { kvm: LineRule[]; xen: LineRule[]; msrEntry: Template } | undefined;

/** The templates for each dialect: the shared lines plus its segment and descriptor-table formats. */
function compiled() {
  if (rules) return rules;
  const common = data.lines.map((l) => ({ section: l.section as Section, t: compile(l.template), software: (l as { software?: string }).software }));
  const segments = (format: string, table: string): LineRule[] => [
    ...data.segments.guest.map(([name, sel, ar, limit, base]) => ({ section: 'guest' as Section, t: compile(format.replace('{name}', name).replace('{sel}', `{${sel}}`).replace('{ar}', `{${ar}}`).replace('{limit}', `{${limit}}`).replace('{base}', `{${base}}`)) })),
    ...data.segments.tables.map(([name, limit, base]) => ({ section: 'guest' as Section, t: compile(table.replace('{name}', name).replace('{limit}', `{${limit}}`).replace('{base}', `{${base}}`)) })),
  ];
  rules = {
    kvm: [...common, ...segments(data.segments.kvm, data.segments.kvmTable)],
    xen: [...common, ...segments(data.segments.xen, data.segments.xenTable)],
    msrEntry: compile(data.msrEntry),
  };
  return rules;
}

/** Which reader a text needs, from marks only one dialect prints. */
export function detectFormat(text: string): DumpFormat {
  if (/\*\*\* (Guest|Host|Control) State \*\*\*/.test(text)) {
    return /\(XEN\)|\bEFER\((VMCS|MSR LL)\)|\bPDPTE0 =|^\s*sel\s+attr\s+limit\s+base\s*$|vmentry failure \(reason/m.test(text) ? 'xen' : 'kvm';
  }
  return 'list';
}

const widthOf = (encoding: number) => {
  const r = catalogue().byEncodingNumber(encoding);
  return r ? (r.full ? 32 : WIDTH_BITS[r.width]) : 64;
};

class Collector {
  readonly fields = new Map<number, bigint>();
  readonly spots = new Map<number, FieldSpot>();
  readonly repeats: NonNullable<DumpRead['repeats']> = [];
  readonly warnings: DumpRead['warnings'] = [];

  set(encoding: number, value: bigint, spot: FieldSpot, byte?: 'hi8' | 'lo8'): void {
    const record = catalogue().byEncodingNumber(encoding);
    const name = record?.name ?? hex(BigInt(encoding), 4);
    if (byte) {
      const old = this.fields.get(encoding) ?? 0n;
      value = byte === 'hi8' ? (old & 0xffn) | ((value & 0xffn) << 8n) : (old & ~0xffn) | (value & 0xffn);
    } else if (value >> BigInt(widthOf(encoding))) {
      this.warnings.push({ line: spot.line, message: `${hex(value)} is wider than ${name} (${widthOf(encoding)} bits): not read` });
      return;
    } else if (this.fields.has(encoding) && this.fields.get(encoding) !== value) {
      this.warnings.push({ line: spot.line, message: `${name} is ${hex(value)} here but ${hex(this.fields.get(encoding)!)} on line ${this.spots.get(encoding)!.line}: the first is kept` });
      return;
    }
    if (!byte && this.spots.has(encoding)) this.repeats.push({ encoding, spot });
    this.fields.set(encoding, value);
    if (!this.spots.has(encoding) || byte) this.spots.set(encoding, spot);
  }
}

/** Offsets of each capture group in the original line (for hovers and diagnostics). */
function groupSpots(l: CleanLine, original: string, m: RegExpExecArray): FieldSpot[] {
  const spots: FieldSpot[] = [];
  let from = l.column;
  for (let g = 1; g < m.length; g++) {
    const at = original.indexOf(m[g], from);
    const start = at < 0 ? l.column : at;
    spots.push({ line: l.line, start, end: start + (m[g]?.length ?? 0) });
    if (at >= 0) from = at + m[g].length;
  }
  return spots;
}

function readDialect(raw: string, format: 'kvm' | 'xen'): DumpRead {
  const { msrEntry, ...byFormat } = compiled();
  const table = byFormat[format];
  const out = new Collector();
  const originals = raw.split(/\r?\n/);
  const lines = cleanLines(raw);
  let section: Section = 'any';
  let list: 'msr-load' | 'ignored' | undefined;
  let msrLoad: MsrEntry[] | undefined;
  let loadHeader: FieldSpot | undefined;
  const apply = (l: CleanLine, text: string): boolean => {
    for (const rule of table) {
      if (rule.section !== 'any' && rule.section !== section) continue;
      const m = rule.t.re.exec(text);
      if (!m) continue;
      const spots = groupSpots(l, originals[l.line - 1] ?? '', m);
      rule.t.slots.forEach((slot, i) => {
        if (slot.kind === 'field' && slot.encoding !== undefined) out.set(slot.encoding, BigInt('0x' + m[i + 1]), spots[i], slot.byte);
      });
      return true;
    }
    return false;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.text) continue;
    const header = data.sections.find((s) => l.text === s.header);
    if (header) {
      section = header.section as Section;
      list = undefined;
      continue;
    }
    const listHeader = data.msrLists.find((s) => l.text === s.header);
    if (listHeader) {
      list = listHeader.list as typeof list;
      if (list === 'msr-load') {
        msrLoad = [];
        loadHeader = { line: l.line, start: l.column, end: l.column + l.text.length };
      }
      continue;
    }
    if (list) {
      const m = msrEntry.re.exec(l.text);
      if (m) {
        if (list === 'msr-load') msrLoad!.push({ index: BigInt('0x' + m[2]), reserved: 0n, value: BigInt('0x' + m[3]) });
        continue;
      }
      list = undefined;
    }
    if (apply(l, l.text)) continue;
    // A line wrapped by mail or a terminal: the next line, if it is not a line of its own, completes it.
    const next = lines[i + 1];
    if (next?.text && apply(l, `${l.text} ${next.text}`)) {
      i++;
      continue;
    }
    out.warnings.push({ line: l.line, message: `not a line of a ${format === 'kvm' ? 'KVM dump_vmcs' : 'Xen vmcs_dump_vcpu'} dump: ${JSON.stringify(l.text.length > 60 ? l.text.slice(0, 60) + '…' : l.text)}` });
  }
  // KVM prints its MSR-load list, whose length is the VM-entry MSR-load count, only when that count is not 0.
  if (msrLoad && loadHeader) out.set(0x4014, BigInt(msrLoad.length), loadHeader);
  return { format, fields: out.fields, spots: out.spots, repeats: out.repeats, warnings: out.warnings, ...(msrLoad ? { msrLoad } : {}) };
}

/** `NAME = value` (or `NAME: value`) lines with field names of any scheme or encodings, and HAXM's `<encoding> <name>: <value>`; values are hex. */
function readList(raw: string): DumpRead {
  const out = new Collector();
  const highGiven = new Set<number>();
  const originals = raw.split(/\r?\n/);
  for (const l of cleanLines(raw)) {
    if (!l.text || /^(#|\/\/)/.test(l.text)) continue;
    // HAXM's dump: "<encoding> <its name>: <value>"; the encoding says which field.
    const haxm = /^([0-9a-fA-F]{4})\s+[A-Za-z_]\w*:\s*([0-9a-fA-F]+)$/.exec(l.text);
    const m = haxm ? ([haxm[0], `0x${haxm[1]}`, haxm[2]] as const) : /^([A-Za-z_][\w:.>\-[\]()]*|0x[0-9a-fA-F]{1,4})\s*[=:]\s*(?:0x)?([0-9a-fA-F]+)\s*[,;]?\s*(?:(?:#|\/\/).*)?$/.exec(l.text);
    const record = m && catalogue().find(m[1]);
    if (!m || !record) {
      out.warnings.push({ line: l.line, message: m ? `unknown VMCS field ${JSON.stringify(m[1])}` : `not a "NAME = value" line: ${JSON.stringify(l.text.length > 60 ? l.text.slice(0, 60) + '…' : l.text)}` });
      continue;
    }
    const original = originals[l.line - 1];
    const start = original.lastIndexOf(m[2]);
    const value = BigInt('0x' + m[2]);
    const spot = { line: l.line, start, end: start + m[2].length };
    if (value >> BigInt(record.full ? 32 : WIDTH_BITS[record.width])) {
      out.warnings.push({ line: l.line, message: `${hex(value)} is wider than ${record.name}: not read` });
      continue;
    }
    // A high half lands in bits 63:32 of its field; the field's own line then gives bits 31:0 (a 32-bit VMREAD).
    const full = record.full ?? record;
    const old = out.fields.get(full.encoding) ?? 0n;
    if (record.full) highGiven.add(full.encoding);
    const merged = record.full ? (old & 0xffffffffn) | (value << 32n) : highGiven.has(full.encoding) && value >> 32n === 0n ? (old & ~0xffffffffn) | value : value;
    out.fields.set(full.encoding, merged);
    if (!out.spots.has(full.encoding)) out.spots.set(full.encoding, spot);
  }
  return { format: 'list', fields: out.fields, spots: out.spots, repeats: out.repeats, warnings: out.warnings };
}

export function readDump(raw: string, format: DumpFormat = detectFormat(raw)): DumpRead {
  return format === 'list' ? readList(raw) : readDialect(raw, format);
}

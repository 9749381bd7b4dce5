// The VMCS field table, indexed once into Maps: by encoding, by every alias (exact), and case-insensitively.
import fieldsData from './data/fields.json';
import { ALIAS_TABLES, type AliasTable } from './data/aliases';
import { decode, encodingHex, parseEncoding, type Access, type FieldType, type Width } from './encoding';

export interface FieldRecord {
  encoding: number;
  /** `0x4000` */
  hex: string;
  /** The SDM's name, e.g. "Guest RIP"; high halves get " (high)". */
  name: string;
  description: string;
  width: Width;
  type: FieldType;
  access: Access;
  index: number;
  /** Names per naming scheme (apple, linux, xen, …); only schemes that name the field. */
  aliases: Record<string, string[]>;
  /** Capability bits ("proc2:1") of which one must be allowed-1 for the field to exist; absent = always exists. */
  requires?: readonly string[];
  /** Why no capability tells whether the field exists (then existence is unknown). */
  unknownExistence?: string;
  /** For a high half: the full 64-bit field it belongs to. */
  full?: FieldRecord;
}

interface FieldData {
  encoding: string;
  name: string;
  description: string;
  requires?: string[];
  unknownExistence?: string;
}

export type Resolution = { record: FieldRecord } | { error: string };

export class Catalogue {
  readonly records: readonly FieldRecord[];
  readonly schemes: readonly AliasTable[];
  private readonly byEncoding = new Map<number, FieldRecord>();
  private readonly byName = new Map<string, FieldRecord>();
  private readonly byFolded = new Map<string, FieldRecord | null>(); // null: ambiguous when case is ignored

  constructor(fields: readonly FieldData[], schemes: readonly AliasTable[]) {
    this.schemes = schemes;
    const records: FieldRecord[] = [];
    for (const f of fields) {
      const enc = parseEncoding(f.encoding);
      const parts = enc === undefined ? undefined : decode(enc);
      if (!parts || parts.access !== 'full') throw new Error(`fields.json: ${f.encoding} is not a full field encoding`);
      if (this.byEncoding.has(parts.encoding)) throw new Error(`fields.json: ${f.encoding} is listed twice`);
      const { encoding, access, index, type, width } = parts;
      const record: FieldRecord = { encoding, hex: encodingHex(encoding), name: f.name, description: f.description, width, type, access, index, aliases: {} };
      if (f.requires) record.requires = f.requires;
      if (f.unknownExistence) record.unknownExistence = f.unknownExistence;
      records.push(record);
      this.byEncoding.set(record.encoding, record);
      if (parts.width === '64') {
        const high: FieldRecord = {
          encoding: encoding + 1,
          hex: encodingHex(encoding + 1),
          name: `${record.name} (high)`,
          description: `High 32 bits of ${record.name}, for 32-bit VMREAD/VMWRITE.`,
          width,
          type,
          access: 'high',
          index,
          aliases: {},
          full: record,
        };
        if (record.requires) high.requires = record.requires;
        if (record.unknownExistence) high.unknownExistence = record.unknownExistence;
        records.push(high);
        this.byEncoding.set(high.encoding, high);
      }
    }
    for (const table of schemes) {
      for (const encText in table.fields) {
        const record = this.byEncoding.get(parseEncoding(encText) ?? -1);
        if (!record) throw new Error(`aliases/${table.scheme}.json: ${encText} is not a catalogue field`);
        (record.aliases[table.scheme] ??= []).push(...table.fields[encText]);
      }
    }
    for (const r of records) this.index(r.name, r);
    for (const table of schemes) for (const r of records) for (const n of r.aliases[table.scheme] ?? []) this.index(n, r);
    this.records = records;
    let min = Infinity;
    let max = 0;
    let segments = 1;
    for (const name of this.byName.keys()) {
      if (name.includes(' ')) continue;
      min = Math.min(min, name.length);
      max = Math.max(max, name.length);
      if (name.includes('::')) segments = Math.max(segments, name.split('::').length);
    }
    this.aliasLengths = { min, max };
    this.pathSegments = segments;
  }

  /** The most `::`-separated segments any name has (rust-x86's `guest::RIP`: 2). */
  private readonly pathSegments: number;

  /**
   * The suffixes of a Rust path that could be names, longest first (`vmcs::guest::RIP` -> `guest::RIP`, `RIP`). Only
   * as many segments as a name can have are tried, so a long path costs no more than a short one.
   */
  pathSuffixes(path: string): string[] {
    const out: string[] = [];
    for (let end = path.length, k = 0; k < this.pathSegments; k++) {
      const sep = path.lastIndexOf('::', end - 1);
      out.unshift(path.slice(sep < 0 ? 0 : sep + 2));
      if (sep < 0) break;
      end = sep;
    }
    return out;
  }

  /** Shortest and longest alias without spaces: a quick filter for scanning identifiers. */
  readonly aliasLengths: { min: number; max: number };

  private index(name: string, record: FieldRecord): void {
    const known = this.byName.get(name);
    if (known && known !== record) throw new Error(`alias ${name} names both ${known.hex} and ${record.hex}`);
    this.byName.set(name, record);
    const folded = name.toLowerCase();
    const prev = this.byFolded.get(folded);
    this.byFolded.set(folded, prev === undefined || prev === record ? record : null);
  }

  /** Every alias (names of the naming schemes, which never contain spaces). */
  aliasNames(): string[] {
    return [...this.byName.keys()].filter((n) => !n.includes(' '));
  }

  byEncodingNumber(encoding: number): FieldRecord | undefined {
    return this.byEncoding.get(encoding);
  }

  /** A name of any scheme, exactly as written (what source code references use). */
  findExact(name: string): FieldRecord | undefined {
    return this.byName.get(name);
  }

  /** Exact name of any scheme first, then the name ignoring case, then a hex or decimal encoding. */
  find(query: string): FieldRecord | undefined {
    const q = query.trim();
    const exact = this.byName.get(q) ?? this.byFolded.get(q.toLowerCase());
    if (exact) return exact;
    const enc = parseEncoding(q);
    return enc === undefined ? undefined : this.byEncoding.get(enc);
  }

  resolve(query: string): Resolution {
    const record = this.find(query);
    if (record) return { record };
    const enc = parseEncoding(query);
    if (enc !== undefined) {
      const parts = decode(enc);
      if (!parts) return { error: `${query} is not a valid VMCS field encoding` };
      return { error: `${query} is a well-formed encoding (${parts.type}, ${parts.width}-bit, index ${parts.index}) but no VMCS field has it` };
    }
    return { error: `unknown VMCS field ${JSON.stringify(query)}` };
  }

  /** Every name a record answers to, SDM name first. */
  namesOf(record: FieldRecord): string[] {
    return [record.name, ...this.schemes.flatMap((t) => record.aliases[t.scheme] ?? [])];
  }
}

let shared: Catalogue | undefined;

/** The catalogue built from the bundled data, once per process. */
export function catalogue(): Catalogue {
  return (shared ??= new Catalogue((fieldsData as { fields: FieldData[] }).fields, ALIAS_TABLES));
}

// The VMCS field table, indexed once into Maps: by encoding, by every alias (exact), and case-insensitively.
import fieldsData from './data/fields.json';
import { ALIAS_TABLES, type AliasTable } from './data/aliases';
import { decode, encodingHex, parseEncoding, type Access, type FieldType, type Width } from './encoding';
import { expandForms } from './forms';
import { ANY_LANGUAGE, languageSet } from './languages';

/** Where a name stands in code: anywhere, as an accessor's field argument or a path segment, or after `->` / `.`. */
export type Placement = 'anywhere' | 'argument' | 'member';

/** One scheme's use of a name: the field, the languages (bit set) and where the name counts. */
export interface NameUse {
  record: FieldRecord;
  scheme: string;
  languages: number;
  placement: Placement;
  /** For member names: the objects (before `->` / `.`) whose members they are. */
  memberOf?: readonly string[];
}

const PLACEMENTS: readonly string[] = ['anywhere', 'argument', 'member'];

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
  private readonly byName = new Map<string, NameUse[]>();
  /** Built on the first case-insensitive lookup (the editor's index build never needs it); null: ambiguous. */
  private byFolded: Map<string, FieldRecord | null> | undefined;

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
    for (const r of records) this.index(r.name, { record: r, scheme: 'sdm', languages: ANY_LANGUAGE, placement: 'anywhere' });
    for (const table of schemes) {
      const where = `aliases/${table.scheme}.json`;
      const languages = languageSet(table.languages, where);
      const unqualified = (table.unqualified ?? 'anywhere') as Placement;
      if (!PLACEMENTS.includes(unqualified)) throw new Error(`${where}: unknown placement ${JSON.stringify(table.unqualified)}`);
      const memberOf = unqualified === 'member' ? table.memberOf : undefined;
      for (const encText in table.fields) {
        const record = this.byEncoding.get(/^0x[0-9a-f]{1,4}$/.test(encText) ? parseInt(encText.slice(2), 16) : -1);
        if (!record) throw new Error(`${where}: ${encText} is not a catalogue field encoding (lower-case 0x…)`);
        const names = expandForms(table.fields[encText], table.forms, table.prefix?.[`${record.type}:${record.width}`] ?? '');
        (record.aliases[table.scheme] ??= []).push(...names);
        for (const n of names) {
          // (built field by field: object spreads make this the slowest part of the index)
          const use: NameUse = { record, scheme: table.scheme, languages, placement: n.includes('::') ? 'anywhere' : unqualified };
          if (memberOf && use.placement === 'member') use.memberOf = memberOf;
          this.index(n, use);
        }
      }
    }
    this.records = records;
    let min = Infinity;
    let max = 0;
    let segments = 1;
    for (const name of this.byName.keys()) {
      if (name.includes(' ')) continue;
      if (name.length < min) min = name.length;
      if (name.length > max) max = name.length;
      for (let at = name.indexOf('::'), k = 2; at >= 0; at = name.indexOf('::', at + 2), k++) if (k > segments) segments = k;
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

  private index(name: string, use: NameUse): void {
    let uses = this.byName.get(name);
    if (!uses) this.byName.set(name, (uses = []));
    for (const u of uses) {
      if (u.scheme !== use.scheme) continue;
      if (u.record !== use.record) throw new Error(`aliases/${use.scheme}.json: ${name} names both ${u.record.hex} and ${use.record.hex}`);
      return;
    }
    uses.push(use);
  }

  private folded(): Map<string, FieldRecord | null> {
    if (this.byFolded) return this.byFolded;
    const folded = new Map<string, FieldRecord | null>();
    for (const [name, uses] of this.byName) {
      const key = name.toLowerCase();
      for (const u of uses) {
        const prev = folded.get(key);
        folded.set(key, prev === undefined || prev === u.record ? u.record : null);
      }
    }
    return (this.byFolded = folded);
  }

  /** Every scheme's use of a name, exactly as written. */
  usesOf(name: string): readonly NameUse[] | undefined {
    return this.byName.get(name);
  }

  /** Names that different schemes give to different fields: which one is meant depends on the language. */
  ambiguousNames(): string[] {
    return [...this.byName].filter(([, uses]) => uses.some((u) => u.record !== uses[0].record)).map(([n]) => n);
  }

  /** Every alias (names of the naming schemes, which never contain spaces). */
  aliasNames(): string[] {
    return [...this.byName.keys()].filter((n) => !n.includes(' '));
  }

  byEncodingNumber(encoding: number): FieldRecord | undefined {
    return this.byEncoding.get(encoding);
  }

  /**
   * A name exactly as written, in source of the given languages, standing where `at` says (an accessor's argument
   * or a path segment also accepts names that count anywhere). Undefined when no scheme of those languages uses it
   * there, or when such schemes give it to different fields.
   */
  findExact(name: string, languages = ANY_LANGUAGE, at: Placement = 'argument'): FieldRecord | undefined {
    const uses = this.byName.get(name);
    return uses && pickUse(uses, languages, at)?.record;
  }

  /** Exact name of any scheme first, then the name ignoring case, then a hex or decimal encoding. */
  find(query: string): FieldRecord | undefined {
    const q = query.trim();
    const exact = this.findExact(q) ?? this.findExact(q, ANY_LANGUAGE, 'member') ?? this.folded().get(q.toLowerCase());
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

/** Whether a use counts for a name standing at `at`. */
export function placed(use: NameUse, at: Placement): boolean {
  return use.placement === 'anywhere' ? true : use.placement === 'argument' ? at === 'argument' : at === 'member';
}

/** The use that applies in these languages at this placement; undefined when none does or several fields would. */
export function pickUse(uses: readonly NameUse[], languages: number, at: Placement): NameUse | undefined {
  let found: NameUse | undefined;
  for (const u of uses) {
    if (!(u.languages & languages) || !placed(u, at)) continue;
    if (found && found.record !== u.record) return undefined;
    found ??= u;
  }
  return found;
}

let shared: Catalogue | undefined;

/** The catalogue built from the bundled data, once per process. */
export function catalogue(): Catalogue {
  return (shared ??= new Catalogue((fieldsData as { fields: FieldData[] }).fields, ALIAS_TABLES));
}

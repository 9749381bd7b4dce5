// The names a scan looks for (field aliases, accessors, parametric macros, objects whose members are fields), the
// lexer's pattern for them, and a lookup of a token's entry by number, built once per set of accessors.
import { ACCESSORS, withAccessors, type Accessor, type AccessorSpec } from './accessors';
import { catalogue, pickUse, type FieldRecord, type NameUse } from '../catalogue/catalogue';
import { PARAMETRIC, type ParametricMacro } from '../catalogue/parametric';
import { namePattern } from './lexer';

/** A field argument as resolved; `counted` when the name pass already reported it as a reference. */
export type FieldRef = { record: FieldRecord; via: 'name' | 'encoding'; counted: boolean };

/** What a known identifier stands for: a field name (its uses), an accessor, a parametric macro. */
export interface Known {
  name: string;
  uses?: readonly NameUse[];
  accessor?: Accessor;
  macro?: ParametricMacro;
  /** An object whose members are fields (vmcs12). */
  object?: boolean;
  /** For the languages of the last scan that asked (`languages`): the field where the name stands anywhere, and as a field argument. */
  languages?: number;
  anywhere?: FieldRecord;
  arg?: FieldRef | null;
}

/** Entry 0: a token the lexer kept that is no known name, a path read by its suffixes. */
export const PATH = 0;

/** A field name's uses in these languages, picked once per name and languages rather than per token. */
export function usesIn(known: Known, languages: number): Known {
  if (known.languages !== languages) {
    const anywhere = pickUse(known.uses!, languages, 'anywhere');
    const arg = pickUse(known.uses!, languages, 'argument');
    known.anywhere = anywhere?.record;
    known.arg = arg ? { record: arg.record, via: 'name', counted: anywhere !== undefined } : null;
    known.languages = languages;
  }
  return known;
}

// A token's entry is found by a hash of its length and a few of its characters, checked by comparing the name: a
// Map would hash every character of every token, which costs more than the rest of the lexer's work on it.
const sample = (s: string) => {
  const n = s.length;
  const h = Math.imul(n ^ (s.charCodeAt(n - 1) << 8) ^ (s.charCodeAt(n - 2) << 16) ^ (s.charCodeAt(n >> 1) << 4) ^ (s.charCodeAt((n * 3) >> 2) << 12), 0x9e3779b1);
  return h ^ (h >>> 15);
};

export class Names {
  readonly known = new Map<string, Known>();
  /** Entries by number (the lexer's token values); 0 is PATH. */
  readonly list: Known[] = [{ name: '' }];
  readonly pattern: RegExp;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;

  constructor(readonly accessors: ReadonlyMap<string, Accessor>) {
    const cat = catalogue();
    const prefixed: string[] = [];
    const members = new Set<string>();
    for (const name of cat.aliasNames()) {
      const uses = cat.usesOf(name)!;
      this.known.set(name, { name, uses });
      // Argument-only names are read from the arguments of accessor calls; member names from member-access tokens.
      if (uses.some((u) => u.placement === 'anywhere')) prefixed.push(name);
      for (const u of uses) for (const o of u.memberOf ?? []) members.add(o);
    }
    for (const [name, accessor] of accessors) this.known.set(name, { name, ...this.known.get(name), accessor });
    for (const [name, macro] of PARAMETRIC) this.known.set(name, { name, ...this.known.get(name), macro });
    for (const name of members) this.known.set(name, { name, ...this.known.get(name), object: true });
    const words = [...accessors.keys(), ...PARAMETRIC.keys()];
    this.pattern = namePattern({ prefixed, words, members });
    this.list.push(...this.known.values());
    const mask = (1 << (32 - Math.clz32(this.list.length * 4))) - 1;
    this.heads = new Int32Array(mask + 1);
    this.next = new Int32Array(this.list.length);
    for (let id = 1; id < this.list.length; id++) {
      const h = sample(this.list[id].name) & mask;
      this.next[id] = this.heads[h];
      this.heads[h] = id;
    }
  }

  /** Tokens a scan reads: known names, accessors, objects and macros (their entries), and paths (PATH); else -1. */
  readonly keep = (token: string): number => {
    for (let id = this.heads[sample(token) & (this.heads.length - 1)]; id; id = this.next[id]) if (this.list[id].name === token) return id;
    return token.includes('::') ? PATH : -1;
  };
}

let defaultNames: Names | undefined;
const customNames = new Map<string, Names>();

export function namesFor(specs: readonly AccessorSpec[] | undefined): Names {
  if (!specs?.length) return (defaultNames ??= new Names(ACCESSORS));
  const key = JSON.stringify(specs);
  let names = customNames.get(key);
  if (!names) {
    if (customNames.size > 8) customNames.clear();
    customNames.set(key, (names = new Names(withAccessors(specs, 'accessors'))));
  }
  return names;
}

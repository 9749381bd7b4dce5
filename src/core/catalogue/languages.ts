// The languages naming schemes belong to, as bit sets: a scheme's names count only in source of its languages.
import data from './data/languages.json';

/** VS Code language ids the product serves, one bit each. */
export const LANGUAGE_IDS: readonly string[] = data.languages;

const BIT = new Map(LANGUAGE_IDS.map((id, i) => [id, 1 << i]));
const GROUPS: Readonly<Record<string, readonly string[]>> = data.groups;

/** Every language: what a text of unknown language is scanned as. */
export const ANY_LANGUAGE = (1 << LANGUAGE_IDS.length) - 1;

/** The bit set of language ids and group names ("c-family"); an unknown name is a data error. */
export function languageSet(names: readonly string[], where: string): number {
  let set = 0;
  for (const name of names) {
    const members = GROUPS[name] ?? [name];
    for (const id of members) {
      const bit = BIT.get(id);
      if (bit === undefined) throw new Error(`${where}: unknown language ${JSON.stringify(name)}`);
      set |= bit;
    }
  }
  return set;
}

const BY_EXTENSION: ReadonlyMap<string, string> = new Map(Object.entries(data.extensions));

/**
 * The languages a document may be in, from its editor language id and/or file name. A C header may be included
 * from C and C++ alike, so `.h` counts as both; nothing known means every language.
 */
export function languagesOf(languageId?: string, fileName?: string): number {
  const ext = fileName ? /\.([^./\\]+)$/.exec(fileName)?.[1].toLowerCase() : undefined;
  if (ext && data.headers.includes(ext)) return languageSet(['c-headers'], 'languages.json');
  const id = (languageId && BIT.has(languageId) ? languageId : undefined) ?? (ext ? BY_EXTENSION.get(ext) : undefined);
  return id ? BIT.get(id)! : ANY_LANGUAGE;
}

// Embedded real-CPU profiles: bare-metal capability MSRs, one data file per CPU with the public source it was read
// from. The files sit beside the bundles (dist/profiles) and are read when asked for, so that each CPU added costs the
// extension bundle nothing; `index.json` orders them, the default first.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Coffee Lake-H part, as in the last Intel MacBook Pros. */
export const DEFAULT_PROFILE = 'coffeelake-i7-9750h';

// Beside the bundles in dist/; from the compiled tests (out/src/capabilities) the repository's own folder.
const DIRS = [join(__dirname, 'profiles'), join(__dirname, '..', '..', '..', 'src', 'capabilities', 'profiles')];

let dir: string | undefined;
let ids: readonly string[] | undefined;
const cache = new Map<string, unknown>();

function profileDir(): string {
  dir ??= DIRS.find((d) => existsSync(join(d, 'index.json')));
  if (!dir) throw new Error(`the embedded profiles are missing (looked in ${DIRS.join(', ')})`);
  return dir;
}

/** The ids of the embedded profiles, the default first. */
export function profileIds(): readonly string[] {
  return (ids ??= JSON.parse(readFileSync(join(profileDir(), 'index.json'), 'utf8')) as string[]);
}

export const isProfile = (id: string): boolean => profileIds().includes(id);

/** The profile's file as parsed JSON (validated by the caller, like any snapshot). */
export function profileJson(id: string): unknown {
  if (!isProfile(id)) throw new Error(`unknown profile ${JSON.stringify(id)}`);
  let json = cache.get(id);
  if (json === undefined) cache.set(id, (json = JSON.parse(readFileSync(join(profileDir(), `${id}.vmcs.json`), 'utf8'))));
  return json;
}

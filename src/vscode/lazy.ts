// The VM-entry checks and the value decoders live in their own bundle (dist/entry-checks.js), loaded on first use.
import { join } from 'node:path';

type EntryModule = typeof import('./entry-checks');
let loaded: EntryModule | undefined;

export function entryModule(): EntryModule {
  loaded ??= require(join(__dirname, 'entry-checks.js')) as EntryModule;
  return loaded;
}

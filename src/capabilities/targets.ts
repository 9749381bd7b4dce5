// Target CPUs for checks across a fleet: embedded profiles and snapshot files only. Hardware sources are never
// targets (a target list may come from workspace settings, which must not reach a device or a native library).
import { isAbsolute, resolve } from 'node:path';
import { CapabilitySet } from '../core/caps/capset';
import type { Fleet, Target } from '../core/caps/fleet';
import { profileSnapshot, unknownProfile } from './profile';
import { isProfile, profileIds } from './profiles';
import { SnapshotFileSource } from './snapshot-file';
import { SpecError } from './service';

export const TARGETS_HELP = 'all | <profile-id> | profile:<id> | snapshot:<path> | <path>.vmcs.json, comma-separated';

/** The specs of a setting or a `--targets` value: a string with commas, or a list of them. */
export function targetSpecs(value: unknown): string[] {
  const list: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  // A setting is whatever the user typed: entries that are not strings name no target.
  return list.flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((s) => s.trim()).filter(Boolean);
}

/** Loads the targets; relative snapshot paths resolve against `baseDir`. Throws SourceError naming the bad spec. */
export async function loadTargets(specs: readonly string[], baseDir = process.cwd()): Promise<Fleet> {
  const out: Target[] = [];
  const seen = new Set<string>();
  const add = (t: Target) => {
    if (!seen.has(t.id)) seen.add(t.id), out.push(t);
  };
  for (const spec of specs) {
    if (spec === 'all') {
      for (const id of profileIds()) add(profileTarget(id));
    } else if (spec.startsWith('profile:') || isProfile(spec)) {
      const id = spec.replace(/^profile:/, '');
      if (!isProfile(id)) throw new SpecError(`targets: ${unknownProfile(id)}`);
      add(profileTarget(id));
    } else if (spec.startsWith('snapshot:') || spec.endsWith('.json')) {
      const raw = spec.replace(/^snapshot:/, '');
      const path = isAbsolute(raw) ? raw : resolve(baseDir, raw);
      const snapshot = await new SnapshotFileSource(path).read();
      const file = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
      add({ id: `snapshot:${path}`, label: snapshot.source.name ?? file, caps: new CapabilitySet(snapshot) });
    } else {
      throw new SpecError(`targets: ${JSON.stringify(spec)} is not a target (expected ${TARGETS_HELP}; hardware sources are not targets)`);
    }
  }
  return out;
}

function profileTarget(id: string): Target {
  const snapshot = profileSnapshot(id);
  return { id: `profile:${id}`, label: snapshot.source.name ?? id, caps: new CapabilitySet(snapshot) };
}

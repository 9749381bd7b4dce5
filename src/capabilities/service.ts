// Chooses a capability source from a spec, reads it, and says which source is used and why.
import { CapabilitySet } from '../core/capset';
import { ProfileSource } from './profile';
import { DEFAULT_PROFILE, PROFILES } from './profiles';
import { SnapshotFileSource } from './snapshot-file';
import { SourceError, type CapabilitySource } from './source';

/** A source spec that names nothing valid: invalid input, not a failed source. */
export class SpecError extends SourceError {}

export const SOURCE_SPEC_HELP = 'auto | profile:<id> | snapshot:<path>';

export interface Selection {
  source: CapabilitySource;
  /** Why this source: the spec asked for it, or why each better source was passed over. */
  reasons: string[];
}

/** Builds the source a spec names; throws SourceError for a malformed spec. */
export function sourceFromSpec(spec: string): CapabilitySource {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'profile') {
    if (!PROFILES.some((p) => p.id === (arg || DEFAULT_PROFILE))) throw new SpecError(`unknown profile ${JSON.stringify(arg)} (known: ${PROFILES.map((p) => p.id).join(', ')})`);
    return new ProfileSource(arg || undefined);
  }
  if (kind === 'snapshot') {
    if (!arg) throw new SpecError('snapshot: needs a path, e.g. snapshot:./my-mac.vmcs.json');
    return new SnapshotFileSource(arg);
  }
  throw new SpecError(`unknown source ${JSON.stringify(spec)} (expected ${SOURCE_SPEC_HELP})`);
}

export async function select(spec = 'auto'): Promise<Selection> {
  if (spec !== 'auto') return { source: sourceFromSpec(spec), reasons: [`--source ${spec}`] };
  return { source: new ProfileSource(), reasons: ['auto: the default embedded profile'] };
}

export interface Loaded extends Selection {
  caps: CapabilitySet;
}

export async function load(spec?: string): Promise<Loaded> {
  const selection = await select(spec);
  const snapshot = await selection.source.read();
  return { ...selection, caps: new CapabilitySet(snapshot) };
}

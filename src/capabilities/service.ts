// Chooses a capability source from a spec, reads it, and says which source is used and why the better ones were not.
import { CapabilitySet } from '../core/caps/capset';
import { HvfSource } from './hvf';
import { KvmSource } from './kvm';
import { MsrSource } from './msr';
import { ProfileSource, unknownProfile } from './profile';
import { DEFAULT_PROFILE, isProfile } from './profiles';
import { SnapshotFileSource } from './snapshot-file';
import { SourceError, type CapabilitySource } from './source';

export const SOURCE_SPEC_HELP = 'auto | hvf | kvm | msr | msr:<device-path> | snapshot:<path> | profile:<id>';

/** A source spec that names nothing valid: invalid input, not a failed source. */
export class SpecError extends SourceError {}

/** Where native sources look and how probes run; the editor fills it from (trusted) settings. */
export interface SourceOptions {
  hvfLibrary?: string;
  kvmDevice?: string;
  msrDevice?: string;
  /** Program that runs the probe (node or an entitled copy of it). */
  probeRuntime?: string;
  probeScript?: string;
  probeTimeoutMs?: number;
  /** Profile used when auto finds no hardware source. */
  defaultProfile?: string;
}

type Factory = (arg: string, o: SourceOptions) => CapabilitySource;

const probe = (o: SourceOptions) => ({ runtime: o.probeRuntime, script: o.probeScript, timeoutMs: o.probeTimeoutMs });

const FACTORIES: Record<string, Factory> = {
  hvf: (_arg, o) => new HvfSource({ ...probe(o), library: o.hvfLibrary }),
  kvm: (arg, o) => new KvmSource({ ...probe(o), device: arg || o.kvmDevice }),
  msr: (arg, o) => new MsrSource(arg || o.msrDevice),
  snapshot: (arg) => {
    if (!arg) throw new SpecError('snapshot: needs a path, e.g. snapshot:./my-mac.vmcs.json');
    return new SnapshotFileSource(arg);
  },
  profile: (arg, o) => {
    const id = arg || o.defaultProfile || DEFAULT_PROFILE;
    if (!isProfile(id)) throw new SpecError(unknownProfile(id));
    return new ProfileSource(id);
  },
};

/** Builds the source a spec names; throws SpecError for a malformed spec. */
export function sourceFromSpec(spec: string, options: SourceOptions = {}): CapabilitySource {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const factory = FACTORIES[kind];
  if (!factory) throw new SpecError(`unknown source ${JSON.stringify(spec)} (expected ${SOURCE_SPEC_HELP})`);
  return factory(colon < 0 ? '' : spec.slice(colon + 1), options);
}

/** The order auto tries: the real hardware first, the embedded profile last. */
export const AUTO_ORDER = ['hvf', 'kvm', 'msr'] as const;

export interface Loaded {
  source: CapabilitySource;
  /** Why this source: the spec asked for it, or why each better source was passed over. */
  reasons: string[];
  caps: CapabilitySet;
}

export async function load(spec = 'auto', options: SourceOptions = {}): Promise<Loaded> {
  if (spec !== 'auto') {
    const source = sourceFromSpec(spec, options);
    return { source, reasons: [`selected: ${spec}`], caps: new CapabilitySet(await source.read()) };
  }
  const reasons: string[] = [];
  for (const kind of AUTO_ORDER) {
    const source = sourceFromSpec(kind, options);
    const a = await source.availability();
    if (!a.available) {
      reasons.push(`${kind} not used: ${a.reason}`);
      continue;
    }
    try {
      const snapshot = await source.read();
      reasons.push(`auto: ${kind} answered${a.reason ? ` (${a.reason})` : ''}`);
      return { source, reasons, caps: new CapabilitySet(snapshot) };
    } catch (e) {
      reasons.push(`${kind} not used: ${(e as Error).message.replace(/^\w+( probe)?: /, '')}`);
    }
  }
  const source = sourceFromSpec('profile:', options);
  reasons.push(`auto: using the embedded profile ${source.id.slice('profile:'.length)} because no hardware source answered`);
  return { source, reasons, caps: new CapabilitySet(await source.read()) };
}

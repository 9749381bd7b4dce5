import { validateSnapshot, type Snapshot } from '../core/caps/snapshot';
import { DEFAULT_PROFILE, PROFILES } from './profiles';
import { SourceError, type Availability, type CapabilitySource } from './source';

/** An embedded profile, selected by id. */
export class ProfileSource implements CapabilitySource {
  readonly id: string;
  readonly label: string;
  private readonly json: unknown;

  constructor(profileId: string = DEFAULT_PROFILE) {
    const p = PROFILES.find((x) => x.id === profileId);
    if (!p) throw new SourceError(`unknown profile ${JSON.stringify(profileId)} (known: ${PROFILES.map((x) => x.id).join(', ')})`);
    this.id = `profile:${p.id}`;
    this.label = `Profile ${p.id}`;
    this.json = p.json;
  }

  async availability(): Promise<Availability> {
    return { available: true };
  }

  async read(): Promise<Snapshot> {
    return validateSnapshot(this.json, this.id);
  }
}

/** Every embedded profile as a parsed snapshot, for listings. */
export function allProfiles(): { id: string; snapshot: Snapshot }[] {
  return PROFILES.map((p) => ({ id: p.id, snapshot: validateSnapshot(p.json, `profile:${p.id}`) }));
}

import { validateSnapshot, type Snapshot } from '../core/caps/snapshot';
import { DEFAULT_PROFILE, isProfile, profileIds, profileJson } from './profiles';
import { SourceError, type Availability, type CapabilitySource } from './source';

/** An embedded profile, selected by id. */
export class ProfileSource implements CapabilitySource {
  readonly id: string;
  readonly label: string;

  constructor(private readonly profileId: string = DEFAULT_PROFILE) {
    if (!isProfile(profileId)) throw new SourceError(unknownProfile(profileId));
    this.id = `profile:${profileId}`;
    this.label = `Profile ${profileId}`;
  }

  async availability(): Promise<Availability> {
    return { available: true };
  }

  async read(): Promise<Snapshot> {
    return profileSnapshot(this.profileId);
  }
}

export const unknownProfile = (id: string) => `unknown profile ${JSON.stringify(id)} (known: ${profileIds().join(', ')})`;

export const profileSnapshot = (id: string): Snapshot => validateSnapshot(profileJson(id), `profile:${id}`);

/** Every embedded profile as a parsed snapshot, for listings. */
export function allProfiles(): { id: string; snapshot: Snapshot }[] {
  return profileIds().map((id) => ({ id, snapshot: profileSnapshot(id) }));
}

// The one interface every capability source implements.
import type { Snapshot } from '../core/caps/snapshot';

export interface Availability {
  available: boolean;
  /** Why not (or, when available, any caveat such as "KVM's nested view, not the bare CPU"). */
  reason?: string;
}

export interface CapabilitySource {
  /** The source spec that selects it: `hvf`, `kvm`, `msr:/dev/cpu/0/msr`, `snapshot:/path`, `profile:id`. */
  readonly id: string;
  readonly label: string;
  availability(): Promise<Availability>;
  /** Reads the capabilities; rejects with a SourceError naming the cause. */
  read(): Promise<Snapshot>;
}

/** A source that failed or is unavailable: the message is one line meant for people. */
export class SourceError extends Error {}

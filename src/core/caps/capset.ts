// A snapshot together with the per-field masks derived from it: what every view asks.
import type { FieldRecord } from '../catalogue/catalogue';
import { deriveFields, highHalf, type FieldCaps } from './derive';
import type { Snapshot } from './snapshot';

export class CapabilitySet {
  private readonly fields: Map<number, FieldCaps>;

  constructor(readonly snapshot: Snapshot) {
    this.fields = deriveFields(snapshot);
  }

  /** Masks and existence of a field; a high half gets the upper 32 bits of its full field. */
  of(record: FieldRecord): FieldCaps {
    if (record.full) return highHalf(this.fields.get(record.full.encoding)!, record);
    return this.fields.get(record.encoding)!;
  }

  /** The catalogue record of a full encoding known to the capability set. */
  recordOf(encoding: number): FieldRecord {
    return this.fields.get(encoding)!.record;
  }

  all(): FieldCaps[] {
    return [...this.fields.values()];
  }
}

// A snapshot together with the per-field masks derived from it: what every view asks.
import type { FieldRecord } from '../catalogue/catalogue';
import { deriveFields, highHalf, vmwriteAnyField, type FieldCaps } from './derive';
import type { Snapshot } from './snapshot';

export class CapabilitySet {
  private readonly fields: Map<number, FieldCaps>;

  /** IA32_VMX_MISC bit 29 (VMWRITE may write read-only fields); null when the source lacks MISC. */
  readonly vmwriteAnyField: boolean | null;

  constructor(readonly snapshot: Snapshot) {
    this.fields = deriveFields(snapshot);
    this.vmwriteAnyField = vmwriteAnyField(snapshot);
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

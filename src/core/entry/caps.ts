// The capability side of the VM-entry checks, from a capability set: masks of control and CR fields, MSRs, widths.
import { msrsOf } from '../caps/msrs';
import type { CapabilitySet } from '../caps/capset';
import { catalogue } from '../catalogue/catalogue';
import type { CpuFacts, EntryCaps } from './ctx';

export function entryCaps(set: CapabilitySet): EntryCaps {
  const msrs = msrsOf(set.snapshot);
  return {
    masks: (field) => {
      const record = catalogue().byEncodingNumber(field);
      return record ? set.of(record).masks : null;
    },
    msr: (index) => msrs.get(index),
    basis: (field) => {
      const record = catalogue().byEncodingNumber(field);
      return record && set.of(record).basis;
    },
  };
}

export function cpuFacts(set: CapabilitySet): CpuFacts {
  const w = set.snapshot.addressWidths;
  return { physicalAddressBits: w?.physical, linearAddressBits: w?.linear };
}

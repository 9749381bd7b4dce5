// One entry of a VM-entry MSR-load list as a reader finds it (the shape the VM-entry checks take).
export interface MsrEntry {
  index: bigint;
  /** Bits 63:32 of the entry's first quadword (reserved, must be 0). */
  reserved: bigint;
  value: bigint;
}

// The MSRs a capability source gives, whether as MSRs or as Hypervisor.framework capabilities.
import { HV_CAP_BY_NAME } from '../catalogue/controls';
import type { Masks } from './masks';

/** Converts Hypervisor.framework capability values (hv_vmx_read_capability) to the MSRs they report. */
export function msrsFromHvCaps(hvCaps: ReadonlyMap<string, bigint>): Map<number, bigint> {
  const msrs = new Map<number, bigint>();
  for (const [name, value] of hvCaps) {
    const msr = HV_CAP_BY_NAME.get(name)?.msr;
    if (msr !== undefined) msrs.set(msr, value);
  }
  return msrs;
}

export interface DeriveInput {
  msrs?: ReadonlyMap<number, bigint>;
  hvCaps?: ReadonlyMap<string, bigint>;
  /** Per-field masks measured directly (hv_vmx_vcpu_get_cap_write_vmcs); they win over derived ones. */
  fields?: ReadonlyMap<number, Masks>;
}

/** The MSRs of a source, with Hypervisor.framework capabilities mapped to the MSRs they report. */
export function msrsOf(input: DeriveInput): Map<number, bigint> {
  const msrs = new Map(input.hvCaps ? msrsFromHvCaps(input.hvCaps) : []);
  for (const [k, v] of input.msrs ?? []) msrs.set(k, v);
  return msrs;
}


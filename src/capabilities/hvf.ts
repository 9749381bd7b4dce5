// Apple Hypervisor.framework (macOS, Intel): hv_vmx_vcpu_get_cap_write_vmcs for every writable field and
// hv_vmx_read_capability for every capability id, through koffi, in a probe child process (native/hvf-capture.ts).
import { hex } from '../core/catalogue/hex';
import type { Snapshot } from '../core/caps/snapshot';
import { runProbe, type ProbeOptions } from './probe-runner';
import { SourceError, type Availability, type CapabilitySource } from './source';

export const HVF_FRAMEWORK = '/System/Library/Frameworks/Hypervisor.framework/Hypervisor';

/** hv_return_t codes (Hypervisor/hv_error.h) and what each means for a capability probe. */
const HV_RETURN: Readonly<Record<number, { name: string; advice: string }>> = {
  0xfae94001: { name: 'HV_ERROR', advice: 'the framework reported an unspecified error' },
  0xfae94002: { name: 'HV_BUSY', advice: 'another VM or vCPU is in the way; retry' },
  0xfae94003: { name: 'HV_BAD_ARGUMENT', advice: 'the framework rejected an argument' },
  0xfae94005: { name: 'HV_NO_RESOURCES', advice: 'the system is out of VM resources' },
  0xfae94006: { name: 'HV_NO_DEVICE', advice: 'no VMX hardware: is this macOS itself running in a VM without nested virtualization?' },
  0xfae94007: {
    name: 'HV_DENIED',
    advice:
      'the runtime lacks the com.apple.security.hypervisor entitlement. Run the probe with an entitled copy of node: ' +
      'cp "$(command -v node)" ~/vmcs-node; write an entitlements plist with com.apple.security.hypervisor = true; ' +
      'codesign --sign - --force --entitlements hv.plist ~/vmcs-node; then set vmcsInspector.hvf.runtime (or VMCS_PROBE_RUNTIME) to ~/vmcs-node',
  },
  0xfae9400f: { name: 'HV_UNSUPPORTED', advice: 'this Mac does not support the VMX API' },
};

export function hvReturnText(code: number): string {
  const c = code >>> 0;
  const known = HV_RETURN[c];
  return known ? `${known.name} (${hex(BigInt(c))}): ${known.advice}` : `hv_return_t ${hex(BigInt(c))}`;
}

export interface HvfOptions extends ProbeOptions {
  /** The framework binary to load; tests pass a stand-in library. */
  library?: string;
}

export class HvfSource implements CapabilitySource {
  readonly id = 'hvf';
  readonly label = 'Hypervisor.framework';

  constructor(private readonly options: HvfOptions = {}) {}

  async availability(): Promise<Availability> {
    if (this.options.library) return { available: true };
    if (process.platform !== 'darwin') return { available: false, reason: `Hypervisor.framework exists only on macOS (this is ${process.platform})` };
    if (process.arch !== 'x64') return { available: false, reason: 'Apple-silicon Macs have no hv_vmx API (VMX is Intel-only)' };
    return { available: true };
  }

  async read(): Promise<Snapshot> {
    const a = await this.availability();
    if (!a.available) throw new SourceError(`hvf: ${a.reason}`);
    return runProbe('hvf', ['--library', this.options.library ?? HVF_FRAMEWORK], this.options);
  }
}

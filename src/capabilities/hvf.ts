// Apple Hypervisor.framework (macOS, Intel): hv_vmx_vcpu_get_cap_write_vmcs for every writable field and
// hv_vmx_read_capability for every capability id, through koffi, in a probe child process.
import { cpus } from 'node:os';
import { catalogue } from '../core/catalogue';
import { HV_CAPS } from '../core/controls';
import { hex } from '../core/hex';
import type { Masks } from '../core/masks';
import type { Snapshot } from '../core/snapshot';
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

type Koffi = typeof import('koffi');

/**
 * Probe side: runs inside the probe process, on its main thread. The vCPU belongs to the thread that creates it,
 * so every call here is synchronous on this one thread (koffi's async calls would use worker threads).
 */
export function captureHvf(library: string): Snapshot {
  const koffi: Koffi = require('koffi');
  let lib;
  try {
    lib = koffi.load(library);
  } catch (e) {
    throw new SourceError(`hvf: cannot load ${library}: ${(e as Error).message.split('\n')[0]}`);
  }
  const vmCreate = lib.func('int hv_vm_create(uint64_t flags)');
  const vmDestroy = lib.func('int hv_vm_destroy(void)');
  const vcpuCreate = lib.func('int hv_vcpu_create(_Out_ uint32_t *vcpu, uint64_t flags)');
  const vcpuDestroy = lib.func('int hv_vcpu_destroy(uint32_t vcpu)');
  const readCapability = lib.func('int hv_vmx_read_capability(uint32_t field, _Out_ uint64_t *value)');
  let capWrite: ((vcpu: number, field: number, a0: unknown[], a1: unknown[]) => number) | undefined;
  try {
    capWrite = lib.func('int hv_vmx_vcpu_get_cap_write_vmcs(uint32_t vcpu, uint32_t field, _Out_ uint64_t *allowed_0, _Out_ uint64_t *allowed_1)');
  } catch {
    capWrite = undefined; // before macOS 11: per-field masks are derived from the capabilities instead
  }
  const check = (what: string, code: number) => {
    if (code !== 0) throw new SourceError(`hvf: ${what} returned ${hvReturnText(code)}`);
  };
  const big = (v: unknown) => BigInt(v as number | bigint);

  check('hv_vm_create', vmCreate(0));
  const vcpuOut: unknown[] = [null];
  try {
    check('hv_vcpu_create', vcpuCreate(vcpuOut, 0));
    const vcpu = Number(vcpuOut[0]);
    try {
      const hvCaps = new Map<string, bigint>();
      for (const cap of HV_CAPS) {
        const out: unknown[] = [null];
        if (readCapability(cap.id, out) === 0) hvCaps.set(cap.name, big(out[0]));
      }
      const fields = new Map<number, Masks>();
      if (capWrite) {
        for (const r of catalogue().records) {
          if (r.access !== 'full' || r.type === 'read-only') continue;
          const a0: unknown[] = [null];
          const a1: unknown[] = [null];
          // An error here means the framework does not expose the field; its existence is then derived.
          if (capWrite(vcpu, r.encoding, a0, a1) === 0) fields.set(r.encoding, { allowed0: big(a0[0]), allowed1: big(a1[0]) });
        }
      }
      if (!hvCaps.size && !fields.size) throw new SourceError('hvf: the framework answered no capability and no field');
      return {
        source: {
          kind: 'hvf',
          description: `Hypervisor.framework (${library})${capWrite ? '' : ', without hv_vmx_vcpu_get_cap_write_vmcs (macOS 10.15 or older)'}`,
          cpu: cpus()[0]?.model ?? 'unknown',
          capturedAt: new Date().toISOString(),
        },
        hvCaps,
        ...(fields.size ? { fields } : {}),
      };
    } finally {
      vcpuDestroy(vcpu);
    }
  } finally {
    vmDestroy();
  }
}

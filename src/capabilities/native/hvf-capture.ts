// Probe side of the hvf source: koffi -> Hypervisor.framework. Loaded only by the probe process.
import { cpus } from 'node:os';
import { catalogue } from '../../core/catalogue/catalogue';
import { HV_CAPS } from '../../core/catalogue/controls';
import type { Masks } from '../../core/caps/masks';
import type { Snapshot } from '../../core/caps/snapshot';
import { hvReturnText } from '../hvf';
import { SourceError } from '../source';

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

// Linux KVM: the VMX capability MSRs KVM reports as feature MSRs on /dev/kvm (KVM_GET_MSR_FEATURE_INDEX_LIST,
// KVM_GET_MSRS on the system fd), through koffi in a probe child process. With kvm_intel nested=1 these describe
// what KVM offers a nested guest, not the bare CPU. The ioctls are in native/kvm-capture.ts.
import { constants, promises as fs } from 'node:fs';
import type { Snapshot } from '../core/caps/snapshot';
import { runProbe, type ProbeOptions } from './probe-runner';
import { SourceError, type Availability, type CapabilitySource } from './source';

export const KVM_DEVICE = '/dev/kvm';


export const KVM_NESTED_NOTE = "KVM's nested view: what KVM offers a nested guest (kvm_intel nested=1), not the bare CPU";

export interface KvmOptions extends ProbeOptions {
  device?: string;
}

export class KvmSource implements CapabilitySource {
  readonly id = 'kvm';
  readonly label = 'KVM (nested view)';

  constructor(private readonly options: KvmOptions = {}) {}

  private get device() {
    return this.options.device ?? KVM_DEVICE;
  }

  async availability(): Promise<Availability> {
    if (process.platform !== 'linux') return { available: false, reason: `KVM exists only on Linux (this is ${process.platform})` };
    try {
      await fs.access(this.device, constants.R_OK | constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        available: false,
        reason: code === 'ENOENT' ? `${this.device} does not exist (load kvm_intel)` : `cannot open ${this.device} (${code}): add yourself to the kvm group`,
      };
    }
    return { available: true, reason: KVM_NESTED_NOTE };
  }

  async read(): Promise<Snapshot> {
    const a = await this.availability();
    if (!a.available) throw new SourceError(`kvm: ${a.reason}`);
    return runProbe('kvm', ['--device', this.device], this.options);
  }
}

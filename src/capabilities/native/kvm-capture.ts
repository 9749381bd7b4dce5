// Probe side of the kvm source: koffi -> libc open/ioctl on the KVM system fd. Loaded only by the probe process.
import { cpus } from 'node:os';
import { MSR_NAMES } from '../../core/catalogue/controls';
import { pruneAbsentMsrs } from '../../core/caps/derive';
import type { Snapshot } from '../../core/caps/snapshot';
import { KVM_NESTED_NOTE } from '../kvm';
import { SourceError } from '../source';

const KVM_CHECK_EXTENSION = 0xae03;
const KVM_CAP_GET_MSR_FEATURES = 153;
const KVM_GET_MSR_FEATURE_INDEX_LIST = 0xc004ae0a;
const KVM_GET_MSRS = 0xc008ae88;
const O_RDWR = 2;
const O_CLOEXEC = 0o2000000;
const E2BIG = 7;

type Koffi = typeof import('koffi');

/** Probe side: reads the VMX feature MSRs through ioctls on the KVM system fd. */
export function captureKvm(device: string): Snapshot {
  const koffi: Koffi = require('koffi');
  const libc = koffi.load('libc.so.6');
  const open = libc.func('int open(const char *path, int flags)');
  const close = libc.func('int close(int fd)');
  const ioctl = libc.func('int ioctl(int fd, unsigned long request, ...)');
  const strerror = libc.func('const char *strerror(int errnum)');
  const errorText = () => {
    const e = koffi.errno();
    return `${strerror(e)} (errno ${e})`;
  };

  const fd = open(device, O_RDWR | O_CLOEXEC);
  if (fd < 0) throw new SourceError(`kvm: cannot open ${device}: ${errorText()}`);
  try {
    if (ioctl(fd, KVM_CHECK_EXTENSION, 'unsigned long', KVM_CAP_GET_MSR_FEATURES) <= 0) {
      throw new SourceError('kvm: this kernel does not report feature MSRs (KVM_CAP_GET_MSR_FEATURES; Linux 4.17 or later)');
    }
    // First ask with room for none: E2BIG tells how many there are.
    const probe = Buffer.alloc(4);
    if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, 'void *', probe) < 0 && koffi.errno() !== E2BIG) {
      throw new SourceError(`kvm: KVM_GET_MSR_FEATURE_INDEX_LIST failed: ${errorText()}`);
    }
    const count = probe.readUInt32LE(0);
    const list = Buffer.alloc(4 + 4 * count);
    list.writeUInt32LE(count, 0);
    if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, 'void *', list) < 0) throw new SourceError(`kvm: KVM_GET_MSR_FEATURE_INDEX_LIST failed: ${errorText()}`);
    const indices: number[] = [];
    for (let i = 0; i < list.readUInt32LE(0); i++) {
      const index = list.readUInt32LE(4 + 4 * i);
      if (MSR_NAMES.has(index)) indices.push(index);
    }
    if (!indices.length) {
      throw new SourceError(`kvm: this host has no VMX capability MSRs (KVM lists ${count} feature MSRs, none in 0x480-0x493: an AMD CPU, or kvm_intel without nested=1)`);
    }
    // struct kvm_msrs { u32 nmsrs; u32 pad; struct { u32 index; u32 reserved; u64 data; } entries[]; }
    const msrsBuf = Buffer.alloc(8 + 16 * indices.length);
    msrsBuf.writeUInt32LE(indices.length, 0);
    indices.forEach((index, i) => msrsBuf.writeUInt32LE(index, 8 + 16 * i));
    const read = ioctl(fd, KVM_GET_MSRS, 'void *', msrsBuf);
    if (read < 0) throw new SourceError(`kvm: KVM_GET_MSRS failed: ${errorText()}`);
    if (read !== indices.length) throw new SourceError(`kvm: KVM_GET_MSRS read ${read} of ${indices.length} VMX MSRs`);
    const msrs = new Map<number, bigint>();
    indices.forEach((index, i) => msrs.set(index, msrsBuf.readBigUInt64LE(8 + 16 * i + 8)));
    return {
      source: { kind: 'kvm', description: KVM_NESTED_NOTE, cpu: cpus()[0]?.model ?? 'unknown', capturedAt: new Date().toISOString() },
      msrs: pruneAbsentMsrs(msrs),
    };
  } finally {
    close(fd);
  }
}

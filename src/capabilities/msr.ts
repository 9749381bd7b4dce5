// Linux MSR device (/dev/cpu/N/msr, from `modprobe msr`): a pread at offset = MSR index returns its 8 bytes.
// A regular file cannot hold 8-byte values at consecutive offsets, so a dump file (tests, or MSRs copied from
// another machine) holds each MSR at offset index * 8, little-endian; missing bytes mean an absent MSR.
import { promises as fs } from 'node:fs';
import { cpus } from 'node:os';
import { MSR_NAMES } from '../core/catalogue/controls';
import { pruneAbsentMsrs } from '../core/caps/derive';
import { hex } from '../core/catalogue/hex';
import type { Snapshot } from '../core/caps/snapshot';
import { SourceError, type Availability, type CapabilitySource } from './source';

export const MSR_DEVICE = '/dev/cpu/0/msr';
const BASIC = 0x480;

function advice(path: string, code: string | undefined): string {
  if (code === 'ENOENT') return `${path} does not exist: load the driver with "sudo modprobe msr"`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied on ${path}: reading MSRs needs root (or CAP_SYS_RAWIO)`;
  return `cannot read ${path} (${code ?? 'unknown error'})`;
}

export class MsrSource implements CapabilitySource {
  readonly id: string;
  readonly label: string;

  constructor(readonly path: string = MSR_DEVICE) {
    this.id = path === MSR_DEVICE ? 'msr' : `msr:${path}`;
    this.label = `MSR device ${path}`;
  }

  async availability(): Promise<Availability> {
    try {
      const h = await fs.open(this.path, 'r');
      await h.close();
      return { available: true };
    } catch (e) {
      return { available: false, reason: advice(this.path, (e as NodeJS.ErrnoException).code) };
    }
  }

  async read(): Promise<Snapshot> {
    let handle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (e) {
      throw new SourceError(`msr: ${advice(this.path, (e as NodeJS.ErrnoException).code)}`);
    }
    const msrs = new Map<number, bigint>();
    try {
      const stride = (await handle.stat()).isFile() ? 8 : 1;
      for (const index of MSR_NAMES.keys()) {
        const buf = Buffer.alloc(8);
        try {
          const { bytesRead } = await handle.read(buf, 0, 8, index * stride);
          if (bytesRead === 8) msrs.set(index, buf.readBigUInt64LE(0));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EIO') continue; // the MSR does not exist on this CPU: expected for newer ones
          throw new SourceError(`msr: reading ${hex(BigInt(index))}: ${advice(this.path, code)}`);
        }
      }
    } finally {
      await handle.close();
    }
    if (!msrs.get(BASIC)) throw new SourceError(`msr: ${this.path} has no VMX capability MSRs (IA32_VMX_BASIC absent or zero: not an Intel CPU with VMX, or VMX disabled)`);
    return {
      source: {
        kind: 'msr',
        description: `MSR device ${this.path}`,
        cpu: this.path.startsWith('/dev/cpu/') ? cpus()[0]?.model ?? 'unknown' : `unknown (read from ${this.path})`,
        capturedAt: new Date().toISOString(),
      },
      msrs: pruneAbsentMsrs(msrs),
    };
  }
}

// Capability MSRs from what users have: AIDA64 MSR dumps ("MSR 00000480: 00DA-0400-0000-0004") and rdmsr-style lists
// ("0x480 0x00da040000000004"). MSRs the input lacks stay absent from the snapshot — unknown, never zero.
import { MSR_NAMES } from '../catalogue/controls';
import { hex } from '../catalogue/hex';
import type { Snapshot } from './snapshot';

export type ImportFormat = 'aida64' | 'rdmsr';

export interface Imported {
  format: ImportFormat;
  msrs: Map<number, bigint>;
  /** VMX MSRs the input says could not be read (AIDA64 "< FAILED >"): the CPU lacks them. */
  failed: number[];
  warnings: { line: number; message: string }[];
}

const AIDA = /^MSR ([0-9A-Fa-f]{8}): (?:([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})|< FAILED >)\s*$/;
const RDMSR = /^(?:0x)?([0-9A-Fa-f]{3,8})\s*[:=]?\s+(?:0x)?([0-9A-Fa-f]{1,16})\s*$/;

export class ImportError extends Error {}

export function importMsrs(text: string, where: string): Imported {
  const lines = text.split(/\r?\n/);
  const format: ImportFormat = lines.some((l) => AIDA.test(l.trim())) ? 'aida64' : 'rdmsr';
  const out: Imported = { format, msrs: new Map(), failed: [], warnings: [] };
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const m = (format === 'aida64' ? AIDA : RDMSR).exec(l);
    if (!m) {
      if (format === 'rdmsr') out.warnings.push({ line: i + 1, message: `not an "MSR value" line: ${JSON.stringify(l.length > 60 ? l.slice(0, 60) + '…' : l)}` });
      return; // an AIDA64 dump holds CPUID and other sections besides its MSRs
    }
    const index = parseInt(m[1], 16);
    if (!MSR_NAMES.has(index)) return; // only the VMX capability MSRs 0x480-0x493 matter here
    const value = format === 'aida64' ? (m[2] ? BigInt(`0x${m[2]}${m[3]}${m[4]}${m[5]}`) : undefined) : BigInt(`0x${m[2]}`);
    if (value === undefined) out.failed.push(index);
    else if (out.msrs.has(index) && out.msrs.get(index) !== value) out.warnings.push({ line: i + 1, message: `MSR ${hex(BigInt(index))} is ${hex(value)} here but ${hex(out.msrs.get(index)!)} earlier: the first is kept (a dump of several CPUs?)` });
    else out.msrs.set(index, value);
  });
  if (!out.msrs.size) throw new ImportError(`${where}: no VMX capability MSR (0x480 to 0x493) found in an AIDA64 MSR dump or an rdmsr list`);
  return out;
}

export function importedSnapshot(imported: Imported, where: string): Snapshot {
  return {
    source: { kind: 'manual', description: `imported from ${where} (${imported.format === 'aida64' ? 'AIDA64 MSR dump' : 'rdmsr list'})` },
    msrs: imported.msrs,
  };
}

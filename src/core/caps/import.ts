// Capability MSRs from what users have: VirtualBox's VBox.log, AIDA64 MSR dumps ("MSR 00000480: 00DA-0400-0000-0004")
// and rdmsr-style lists ("0x480 0x00da040000000004"). MSRs the input lacks stay absent from the snapshot — unknown,
// never zero.
import { MSR_GATES, MSR_NAMES } from '../catalogue/controls';
import { hex } from '../catalogue/hex';
import type { Snapshot } from './snapshot';
import { isVboxLog, readVboxLog } from './vbox-log';
import { isVmxcap, readVmxcap } from './vmxcap';

export type ImportFormat = 'vbox-log' | 'vmxcap' | 'aida64' | 'rdmsr';

export interface Imported {
  format: ImportFormat;
  msrs: Map<number, bigint>;
  /** VMX MSRs the input says could not be read (AIDA64 "< FAILED >"): the CPU lacks them. */
  failed: number[];
  warnings: { line: number; message: string }[];
  /** What the input says of itself: "VBox.log of VirtualBox 7.0.14 (layout 6.x-7.x)". */
  origin?: string;
}

// AIDA64 may tag a sample ("[S200]") after the value.
const AIDA = /^MSR ([0-9A-Fa-f]{8}): (?:([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})|< FAILED >)(?:\s+\[[^\]]*\])?\s*$/;
const RDMSR = /^(?:0x)?([0-9A-Fa-f]{3,8})\s*[:=]?\s+(?:0x)?([0-9A-Fa-f]{1,16})\s*$/;

export class ImportError extends Error {}

/** Whether the text is something importMsrs reads (a VBox.log, vmxcap output, an AIDA64 dump or an rdmsr list). */
export function looksImportable(text: string): boolean {
  return isVboxLog(text) || isVmxcap(text) || text.split(/\r?\n/).some((l) => AIDA.test(l.trim()) || (RDMSR.test(l.trim()) && /^(?:0x)?48[0-9a-f]\b/i.test(l.trim())));
}

export function importMsrs(text: string, where: string): Imported {
  if (isVboxLog(text)) return importVboxLog(text, where);
  if (isVmxcap(text)) return importVmxcap(text, where);
  if (/HM: HMR3Init: Attempting fall back to NEM|HM: HMR3Init: Falling back to raw-mode|HM: AMD-V|HWACCM: AMD-V/.test(text)) {
    throw new ImportError(`${where}: a VBox.log without VT-x capability MSRs (VirtualBox used AMD-V, Hyper-V (NEM) or no hardware virtualization on this host)`);
  }
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

function importVboxLog(text: string, where: string): Imported {
  const log = readVboxLog(text);
  if (log.mismatches.length) {
    const shown = log.mismatches.slice(0, 3).map((m) => `line ${m.line}: ${m.message}`).join('; ');
    throw new ImportError(`${where}: the VBox.log's own decoding disagrees with its values, so the import stops (${shown}${log.mismatches.length > 3 ? `; ${log.mismatches.length - 3} more` : ''})`);
  }
  if (!log.msrs.size) throw new ImportError(`${where}: a VBox.log without VMX capability MSR lines`);
  const origin = `VBox.log${log.version ? ` of VirtualBox ${log.version}` : ''} (layout ${log.layout})`;
  return { format: 'vbox-log', msrs: log.msrs, failed: [], warnings: log.warnings, origin };
}

function importVmxcap(text: string, where: string): Imported {
  const cap = readVmxcap(text);
  if (cap.mismatches.length) {
    throw new ImportError(`${where}: vmxcap's decoded lines disagree with its values, so the import stops (${cap.mismatches.slice(0, 3).map((m) => `line ${m.line}: ${m.message}`).join('; ')})`);
  }
  if (!cap.msrs.size) throw new ImportError(`${where}: vmxcap output without a "Hex:" value`);
  const warnings = [{ line: 1, message: 'vmxcap prints the control bits one by one, not the control MSRs: the control fields\' masks stay unknown (use an rdmsr list of 0x480-0x493 for them)' }];
  return { format: 'vmxcap', msrs: cap.msrs, failed: [], warnings, origin: 'vmxcap output' };
}

const FORMAT_NAMES: Readonly<Record<ImportFormat, string>> = { 'vbox-log': 'VBox.log', vmxcap: 'vmxcap output', aida64: 'AIDA64 MSR dump', rdmsr: 'rdmsr list' };

export function importedSnapshot(imported: Imported, where: string): Snapshot {
  return {
    source: { kind: 'manual', description: `imported from ${where} (${imported.origin ?? FORMAT_NAMES[imported.format]})` },
    msrs: imported.msrs,
  };
}

/**
 * The VMX MSRs an import lacks, split into those the CPU lacks too (every gating bit of the MSRs it has is clear:
 * no secondary controls, no TRUE MSRs, …) and those that are unknown.
 */
export function lackingMsrs(imported: Imported): { absent: number[]; unknown: number[] } {
  const out = { absent: [] as number[], unknown: [] as number[] };
  for (const index of MSR_NAMES.keys()) {
    if (imported.msrs.has(index)) continue;
    const gates = MSR_GATES.get(index);
    const clear = imported.failed.includes(index) || (gates?.every(([msr, bit]) => imported.msrs.has(msr) && !((imported.msrs.get(msr)! >> BigInt(bit)) & 1n)) ?? false);
    (clear ? out.absent : out.unknown).push(index);
  }
  return out;
}

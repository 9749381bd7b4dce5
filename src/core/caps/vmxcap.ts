// QEMU's vmxcap output: the raw values of IA32_VMX_BASIC, MISC, EPT_VPID_CAP and VMFUNC ("Hex: 0x…"), with the
// decoded lines of BASIC and MISC checked against them. The control sections print bit states, not their MSRs, and
// name only the bits that vmxcap knows: their masks stay unknown rather than guessed.
import { hex } from '../catalogue/hex';
import data from './data/vmxcap.json';

const SECTIONS: Readonly<Record<string, string>> = data.sections;
const DECODED = data.decoded as unknown as Readonly<Record<string, [string, number, number][]>>;

export const isVmxcap = (text: string): boolean => /^Basic VMX Information\s*$/m.test(text) && /^\s+Hex: 0x[0-9a-f]+\s*$/m.test(text);

export interface Vmxcap {
  msrs: Map<number, bigint>;
  mismatches: { line: number; message: string }[];
}

export function readVmxcap(text: string): Vmxcap {
  const out: Vmxcap = { msrs: new Map(), mismatches: [] };
  let section: number | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\S/.test(line)) {
      const msr = SECTIONS[line.trim()];
      section = msr === undefined ? undefined : parseInt(msr, 16);
      return;
    }
    if (section === undefined) return;
    const h = /^\s+Hex: 0x([0-9a-fA-F]+)\s*$/.exec(line);
    if (h) {
      const value = BigInt(`0x${h[1]}`);
      // vmxcap prints 0 for an MSR it could not read: a zero value says nothing.
      if (value !== 0n) out.msrs.set(section, value);
      return;
    }
    const value = out.msrs.get(section);
    const fields = DECODED[`0x${section.toString(16)}`];
    if (value === undefined || !fields) return;
    for (const [name, lo, hi] of fields) {
      const m = new RegExp(`^\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(\\S+)\\s*$`).exec(line);
      if (!m) continue;
      const actual = (value >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
      const shown = lo === hi ? (m[1] === 'yes' ? 1n : m[1] === 'no' ? 0n : undefined) : /^\d+$/.test(m[1]) ? BigInt(m[1]) : undefined;
      if (shown !== actual) out.mismatches.push({ line: i + 1, message: `"${name}" is ${m[1]} here but bits ${lo === hi ? lo : `${hi}:${lo}`} of ${hex(value)} are ${actual}` });
      break;
    }
  });
  return out;
}

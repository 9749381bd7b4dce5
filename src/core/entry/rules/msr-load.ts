// The VM-entry MSR-load list (SDM Vol. 3C 27.4): entries are processed in order after the guest state is loaded; the
// first bad one fails the entry with exit reason 34 and its 1-based index as the exit qualification.
import { h, patInvalid, reservedBits, type Rule } from '../rule';
import { Unknown, type Ctx, type MsrEntry } from '../ctx';
import { F } from '../fields';
import { EFER_RESERVED } from './host';

type Validity = (c: Ctx, value: bigint, name: string) => string | undefined;

const canonicalValue: Validity = (c, v, name) => {
  const bad = c.nonCanonical(v);
  return bad ? `${name} value ${h(v)} ${bad}` : undefined;
};
const any: Validity = () => undefined;

/** WRMSR to IA32_EFER faults on reserved bits and on a change of LME while paging is on (the guest state is loaded). */
const eferValue: Validity = (c, v, name) => {
  const reserved = reservedBits(name, v, EFER_RESERVED);
  if (reserved) return reserved;
  const lme = ((v >> 8n) & 1n) === 1n;
  return c.bit(F.GUEST_CR0, 31) && lme !== c.ia32e() ? `${name} value ${h(v)} ${lme ? 'sets' : 'clears'} LME while guest paging is on` : undefined;
};

/** MSRs whose WRMSR rules are architectural; any other MSR's acceptance of a value depends on the CPU. */
const KNOWN: ReadonlyMap<number, { name: string; valid: Validity }> = new Map([
  [0x174, { name: 'IA32_SYSENTER_CS', valid: any }],
  [0x175, { name: 'IA32_SYSENTER_ESP', valid: canonicalValue }],
  [0x176, { name: 'IA32_SYSENTER_EIP', valid: canonicalValue }],
  [0x277, { name: 'IA32_PAT', valid: (_c, v, name) => patInvalid(name, v) }],
  [0xc0000080, { name: 'IA32_EFER', valid: eferValue }],
  [0xc0000081, { name: 'IA32_STAR', valid: any }],
  [0xc0000082, { name: 'IA32_LSTAR', valid: canonicalValue }],
  [0xc0000083, { name: 'IA32_CSTAR', valid: canonicalValue }],
  [0xc0000084, { name: 'IA32_FMASK', valid: (_c, v, name) => (v >> 32n ? `${name} value ${h(v)} sets bits 63:32` : undefined) }],
  [0xc0000102, { name: 'IA32_KERNEL_GS_BASE', valid: canonicalValue }],
  [0xc0000103, { name: 'IA32_TSC_AUX', valid: (_c, v, name) => (v >> 32n ? `${name} value ${h(v)} sets bits 63:32` : undefined) }],
]);

/** What is wrong with one entry, or undefined; Unknown when only the CPU can tell. */
function entryProblem(c: Ctx, e: MsrEntry): string | undefined {
  const index = Number(e.index);
  if (e.reserved) return `bits 63:32 of the entry's first quadword are ${h(e.reserved)} (reserved, must be 0)`;
  if (index === 0xc0000100 || index === 0xc0000101) return `MSR ${h(e.index)} (${index === 0xc0000100 ? 'IA32_FS_BASE' : 'IA32_GS_BASE'}) cannot be loaded from the MSR-load list`;
  if (index >> 8 === 0x8) return `MSR ${h(e.index)} is an x2APIC register, which the MSR-load list cannot load`;
  if (index === 0x9b) return 'MSR 0x9b (IA32_SMM_MONITOR_CTL) can be written only in SMM';
  const known = KNOWN.get(index);
  if (!known) throw new Unknown(`whether MSR ${h(e.index)} accepts ${h(e.value)} depends on the CPU`);
  return known.valid(c, e.value, known.name);
}

export const MSR_LOAD_RULES: readonly Rule[] = [
  {
    id: 'msr-load.entries', section: '27.4', class: 'msr-load', fields: [F.ENTRY_MSR_LOAD_COUNT, F.ENTRY_MSR_LOAD_ADDR],
    when: (c) => c.v(F.ENTRY_MSR_LOAD_COUNT) !== 0n,
    text: 'Each VM-entry MSR-load entry has bits 63:32 of its index quadword 0, names an MSR the list may load (not FS/GS base, x2APIC or SMM-only MSRs), and holds a value WRMSR accepts',
    test: (c) => {
      const count = Number(c.v(F.ENTRY_MSR_LOAD_COUNT));
      const list = c.msrLoad;
      if (!list) throw new Unknown(`the ${count} MSR-load entries are in memory, which the state does not hold (give them as "msrLoad")`);
      for (let i = 0; i < count; i++) {
        if (i >= list.length) throw new Unknown(`the state holds ${list.length} of the ${count} MSR-load entries`);
        const problem = entryProblem(c, list[i]);
        if (problem) {
          c.failedEntry = i + 1;
          return `MSR-load entry ${i + 1}: ${problem}`;
        }
      }
      return undefined;
    },
  },
];

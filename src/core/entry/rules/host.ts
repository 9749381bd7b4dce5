// Checks on the host-state area (SDM Vol. 3C 27.2.2-27.2.4): a failure makes VM entry fail with VM-instruction error 8.
// The VMM is taken to run in 64-bit mode (IA32_EFER.LMA = 1), as every VMM on a 64-bit host does.
import { canonical, h, patInvalid, reservedBits, type Rule } from '../rule';
import { Unknown, type Ctx } from '../ctx';
import { EXIT, F, HOST_SELECTORS } from '../fields';

const REGS = '27.2.2';
const SEGS = '27.2.3';
const SIZE = '27.2.4';
/** IA32_EFER bits Intel defines: SCE 0, LME 8, LMA 10, NXE 11. */
export const EFER_RESERVED = ~((1n << 0n) | (1n << 8n) | (1n << 10n) | (1n << 11n)) & ((1n << 64n) - 1n);
/** IA32_S_CET bits 9:6 are reserved. */
export const S_CET_RESERVED = 0x3c0n;

const host64 = (c: Ctx) => c.exit(EXIT.HOST_64);

/** A control register within the FIXED0 / FIXED1 masks (must-be-1 / may-be-1). */
export function fixedCr(c: Ctx, field: number, what: string, exempt = 0n): string | undefined {
  const v = c.v(field);
  const m = c.masks(field, `${what} fixed bits (IA32_VMX_${what.replace(/.* /, '')}_FIXED0/1)`);
  const missing = m.allowed0 & ~exempt & ~v;
  const extra = v & ~m.allowed1;
  if (missing) return `${what} ${h(v)} clears bits that must be 1 on this CPU (${h(missing)})`;
  if (extra) return `${what} ${h(v)} sets bits that must be 0 on this CPU (${h(extra)})`;
  return undefined;
}

/** CET state loaded with the entry/exit: S_CET reserved bits, SUPPRESS and TRACKER not both 1. */
export function sCetInvalid(what: string, v: bigint): string | undefined {
  if (v & S_CET_RESERVED) return `${what} ${h(v)} sets reserved bits 9:6`;
  if ((v >> 10n) & 1n && (v >> 11n) & 1n) return `${what} ${h(v)} sets both SUPPRESS (bit 10) and TRACKER (bit 11)`;
  return undefined;
}

/** A value whose reserved bits depend on the CPU model (counters, trace features): 0 is always valid. */
export function modelSpecific(c: Ctx, field: number, what: string, source: string): string | undefined {
  const v = c.v(field);
  if (v === 0n) return undefined;
  throw new Unknown(`which bits of ${what} ${h(v)} are reserved depends on the CPU (${source})`);
}

function selector(name: keyof typeof HOST_SELECTORS): Rule {
  const field = HOST_SELECTORS[name];
  return {
    id: `host.${name.toLowerCase()}.selector`, section: SEGS, class: 'host', fields: [field],
    text: `RPL (bits 1:0) and TI (bit 2) of the host ${name} selector are 0`,
    test: (c) => (c.v(field) & 7n ? `host ${name} selector ${h(c.v(field))} has RPL ${c.v(field) & 3n}${c.v(field) & 4n ? ' and TI 1' : ''} (expected RPL 0, TI 0)` : undefined),
    hint: 'use the GDT selector with its low 3 bits cleared',
  };
}

const base = (id: string, field: number, what: string): Rule => ({
  id, section: SEGS, class: 'host', fields: [field], text: `The ${what} is canonical`, test: (c) => canonical(c, field, what),
});

export const HOST_RULES: readonly Rule[] = [
  { id: 'host.cr0.fixed', section: REGS, class: 'host', fields: [F.HOST_CR0], text: 'Host CR0 has every bit IA32_VMX_CR0_FIXED0 sets and none IA32_VMX_CR0_FIXED1 clears', test: (c) => fixedCr(c, F.HOST_CR0, 'host CR0') },
  { id: 'host.cr4.fixed', section: REGS, class: 'host', fields: [F.HOST_CR4], text: 'Host CR4 has every bit IA32_VMX_CR4_FIXED0 sets and none IA32_VMX_CR4_FIXED1 clears', test: (c) => fixedCr(c, F.HOST_CR4, 'host CR4') },
  {
    id: 'host.cr3.width', section: REGS, class: 'host', fields: [F.HOST_CR3], text: 'Host CR3 sets no bits beyond the physical-address width',
    test: (c) => { const w = c.beyondWidth(c.v(F.HOST_CR3)); return w ? `host CR3 ${h(c.v(F.HOST_CR3))} ${w}` : undefined; },
  },
  {
    id: 'host.cr4.cet-wp', section: REGS, class: 'host', fields: [F.HOST_CR4, F.HOST_CR0], when: (c) => c.bit(F.HOST_CR4, 23),
    text: 'If host CR4.CET (bit 23) is 1, host CR0.WP (bit 16) is 1', test: (c) => (c.bit(F.HOST_CR0, 16) ? undefined : 'host CR4.CET is 1 but host CR0.WP is 0'),
  },
  base('host.sysenter-esp.canonical', F.HOST_SYSENTER_ESP, 'host IA32_SYSENTER_ESP'),
  base('host.sysenter-eip.canonical', F.HOST_SYSENTER_EIP, 'host IA32_SYSENTER_EIP'),
  {
    id: 'host.s-cet', section: REGS, class: 'host', fields: [F.HOST_S_CET], when: (c) => c.exit(EXIT.LOAD_CET),
    text: 'If "load CET state" is 1, host IA32_S_CET is canonical, bits 9:6 are 0 and SUPPRESS and TRACKER are not both 1',
    test: (c) => canonical(c, F.HOST_S_CET, 'host IA32_S_CET') ?? sCetInvalid('host IA32_S_CET', c.v(F.HOST_S_CET)),
  },
  {
    id: 'host.ssp', section: REGS, class: 'host', fields: [F.HOST_SSP], when: (c) => c.exit(EXIT.LOAD_CET),
    text: 'If "load CET state" is 1, host SSP bits 1:0 are 0 and SSP is canonical',
    test: (c) => (c.v(F.HOST_SSP) & 3n ? `host SSP ${h(c.v(F.HOST_SSP))} sets bits 1:0 (expected a 4-byte aligned value)` : canonical(c, F.HOST_SSP, 'host SSP')),
  },
  {
    id: 'host.ssp-table.canonical', section: REGS, class: 'host', fields: [F.HOST_SSP_TABLE], when: (c) => c.exit(EXIT.LOAD_CET),
    text: 'If "load CET state" is 1, host IA32_INTERRUPT_SSP_TABLE_ADDR is canonical', test: (c) => canonical(c, F.HOST_SSP_TABLE, 'host IA32_INTERRUPT_SSP_TABLE_ADDR'),
  },
  {
    id: 'host.perf-global-ctrl', section: REGS, class: 'host', fields: [F.HOST_PERF_GLOBAL_CTRL], when: (c) => c.exit(EXIT.LOAD_PERF),
    text: 'If "load IA32_PERF_GLOBAL_CTRL" is 1, host IA32_PERF_GLOBAL_CTRL sets no reserved bits',
    test: (c) => modelSpecific(c, F.HOST_PERF_GLOBAL_CTRL, 'IA32_PERF_GLOBAL_CTRL', 'its counters, CPUID leaf 0AH'),
  },
  {
    id: 'host.pat', section: REGS, class: 'host', fields: [F.HOST_PAT], when: (c) => c.exit(EXIT.LOAD_PAT),
    text: 'If "load IA32_PAT" is 1, every entry of host IA32_PAT is a valid memory type', test: (c) => patInvalid('host IA32_PAT', c.v(F.HOST_PAT)),
  },
  {
    id: 'host.efer.reserved', section: REGS, class: 'host', fields: [F.HOST_EFER], when: (c) => c.exit(EXIT.LOAD_EFER),
    text: 'If "load IA32_EFER" is 1, host IA32_EFER sets no reserved bits', test: (c) => reservedBits('host IA32_EFER', c.v(F.HOST_EFER), EFER_RESERVED),
  },
  {
    id: 'host.efer.lma-lme', section: REGS, class: 'host', fields: [F.HOST_EFER, F.EXIT], when: (c) => c.exit(EXIT.LOAD_EFER),
    text: 'If "load IA32_EFER" is 1, host IA32_EFER.LMA (bit 10) and LME (bit 8) each equal "host address-space size"',
    test: (c) => {
      const e = c.v(F.HOST_EFER), want = host64(c);
      const lma = ((e >> 10n) & 1n) === 1n, lme = ((e >> 8n) & 1n) === 1n;
      return lma === want && lme === want ? undefined : `host IA32_EFER ${h(e)} has LMA ${+lma} and LME ${+lme}, but "host address-space size" is ${+want}`;
    },
  },
  {
    id: 'host.pkrs', section: REGS, class: 'host', fields: [F.HOST_PKRS], when: (c) => c.exit(EXIT.LOAD_PKRS),
    text: 'If "load PKRS" is 1, bits 63:32 of host IA32_PKRS are 0', test: (c) => (c.v(F.HOST_PKRS) >> 32n ? `host IA32_PKRS ${h(c.v(F.HOST_PKRS))} sets bits 63:32` : undefined),
  },

  ...(['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'TR'] as const).map(selector),
  { id: 'host.cs.nonzero', section: SEGS, class: 'host', fields: [HOST_SELECTORS.CS], text: 'The host CS selector is not 0000H', test: (c) => (c.v(HOST_SELECTORS.CS) === 0n ? 'host CS selector is 0' : undefined) },
  { id: 'host.tr.nonzero', section: SEGS, class: 'host', fields: [HOST_SELECTORS.TR], text: 'The host TR selector is not 0000H', test: (c) => (c.v(HOST_SELECTORS.TR) === 0n ? 'host TR selector is 0' : undefined) },
  {
    id: 'host.ss.nonzero', section: SEGS, class: 'host', fields: [HOST_SELECTORS.SS], when: (c) => !host64(c),
    text: 'If "host address-space size" is 0, the host SS selector is not 0000H', test: (c) => (c.v(HOST_SELECTORS.SS) === 0n ? 'host SS selector is 0 with "host address-space size" 0' : undefined),
  },
  base('host.fs-base.canonical', F.HOST_FS_BASE, 'host FS base'),
  base('host.gs-base.canonical', F.HOST_GS_BASE, 'host GS base'),
  base('host.gdtr-base.canonical', F.HOST_GDTR_BASE, 'host GDTR base'),
  base('host.idtr-base.canonical', F.HOST_IDTR_BASE, 'host IDTR base'),
  base('host.tr-base.canonical', F.HOST_TR_BASE, 'host TR base'),

  {
    id: 'host.address-space-size', section: SIZE, class: 'host', fields: [F.EXIT],
    text: 'A VMM in IA-32e mode sets "host address-space size" to 1',
    test: (c) => (host64(c) ? undefined : '"host address-space size" is 0, but the VMM runs in IA-32e mode'),
    hint: 'set VM-exit control bit 9',
  },
  {
    id: 'host.address-space-size.pae', section: SIZE, class: 'host', fields: [F.HOST_CR4], when: host64,
    text: 'If "host address-space size" is 1, host CR4.PAE (bit 5) is 1', test: (c) => (c.bit(F.HOST_CR4, 5) ? undefined : `host CR4 ${h(c.v(F.HOST_CR4))} has PAE 0 with a 64-bit host`),
  },
  {
    id: 'host.rip.canonical', section: SIZE, class: 'host', fields: [F.HOST_RIP], when: host64,
    text: 'If "host address-space size" is 1, host RIP is canonical', test: (c) => canonical(c, F.HOST_RIP, 'host RIP'),
  },
  {
    id: 'host.address-space-size.32', section: SIZE, class: 'host', fields: [F.ENTRY, F.HOST_CR4, F.HOST_RIP], when: (c) => !host64(c),
    text: 'If "host address-space size" is 0: "IA-32e mode guest" is 0, host CR4.PCIDE is 0 and bits 63:32 of host RIP are 0',
    test: (c) => (c.ia32e() ? '"IA-32e mode guest" is 1 with a 32-bit host' : c.bit(F.HOST_CR4, 17) ? 'host CR4.PCIDE is 1 with a 32-bit host' : c.v(F.HOST_RIP) >> 32n ? `host RIP ${h(c.v(F.HOST_RIP))} sets bits 63:32 with a 32-bit host` : undefined),
  },
];

// Checks on guest control registers, debug registers and MSRs (SDM Vol. 3C 27.3.1.1), on descriptor-table
// registers (27.3.1.3) and on RIP, RFLAGS and SSP (27.3.1.4): a failure is a VM-entry failure, exit reason 33.
import { canonical, h, patInvalid, reservedBits, type Rule } from '../rule';
import { EFER_RESERVED, fixedCr, modelSpecific, sCetInvalid } from './host';
import type { Ctx } from '../ctx';
import { ENTRY, F } from '../fields';

const CRS = '27.3.1.1';
const DTS = '27.3.1.3';
const RIP = '27.3.1.4';
const CR0_PE_PG = 0x80000001n;
/** IA32_DEBUGCTL bits no CPU defines (2-5, 16-63); bits 6-15 exist on most but not all CPUs. */
const DEBUGCTL_RESERVED = 0x3cn | ~0xffffn & ((1n << 64n) - 1n);
const DEBUGCTL_MODEL = 0xffc0n;
/** IA32_LBR_CTL: bits 0-3 and 16-22 are defined; call-stack mode (3) and branch filtering (16-22) exist where CPUID 1CH says. */
const LBR_CTL_RESERVED = ~(0xfn | (0x7fn << 16n)) & ((1n << 64n) - 1n);
const LBR_CTL_MODEL = 0x8n | (0x7fn << 16n);
/** RFLAGS bits 63:22, 15, 5 and 3 are reserved; bit 1 is always 1. */
const RFLAGS_RESERVED = (~((1n << 22n) - 1n) & ((1n << 64n) - 1n)) | (1n << 15n) | (1n << 5n) | (1n << 3n);

const g = (id: string, section: string, fields: number[], text: string, test: Rule['test'], when?: Rule['when'], hint?: string): Rule => ({ id, section, class: 'guest', fields, text, test, when, hint });
const loads = (bit: number) => (c: Ctx) => c.entry(bit);
const cs64 = (c: Ctx) => c.ia32e() && c.seg('CS').l;
const injectingExternal = (c: Ctx) => {
  const info = c.v(F.ENTRY_INTR_INFO);
  return (info >> 31n) & 1n ? Number((info >> 8n) & 7n) === 0 : false;
};

export const GUEST_REGISTER_RULES: readonly Rule[] = [
  g('guest.cr0.fixed', CRS, [F.GUEST_CR0], 'Guest CR0 has every bit IA32_VMX_CR0_FIXED0 sets (PE and PG exempt with "unrestricted guest") and none IA32_VMX_CR0_FIXED1 clears',
    (c) => fixedCr(c, F.GUEST_CR0, 'guest CR0', c.unrestricted() ? CR0_PE_PG : 0n)),
  g('guest.cr0.pg-pe', CRS, [F.GUEST_CR0], 'If guest CR0.PG is 1, CR0.PE is 1', (c) => (c.bit(F.GUEST_CR0, 31) && !c.pe() ? `guest CR0 ${h(c.v(F.GUEST_CR0))} sets PG without PE` : undefined)),
  g('guest.cr4.fixed', CRS, [F.GUEST_CR4], 'Guest CR4 has every bit IA32_VMX_CR4_FIXED0 sets and none IA32_VMX_CR4_FIXED1 clears', (c) => fixedCr(c, F.GUEST_CR4, 'guest CR4')),
  g('guest.cr4.cet-wp', CRS, [F.GUEST_CR4, F.GUEST_CR0], 'If guest CR4.CET (bit 23) is 1, guest CR0.WP (bit 16) is 1',
    (c) => (c.bit(F.GUEST_CR0, 16) ? undefined : 'guest CR4.CET is 1 but guest CR0.WP is 0'), (c) => c.bit(F.GUEST_CR4, 23)),
  g('guest.debugctl.reserved', CRS, [F.GUEST_DEBUGCTL], 'If "load debug controls" is 1, guest IA32_DEBUGCTL sets no reserved bits',
    (c) => reservedBits('guest IA32_DEBUGCTL', c.v(F.GUEST_DEBUGCTL), DEBUGCTL_RESERVED) ?? (c.v(F.GUEST_DEBUGCTL) & DEBUGCTL_MODEL ? modelSpecific(c, F.GUEST_DEBUGCTL, 'IA32_DEBUGCTL', 'bits 15:6 are model-specific') : undefined),
    loads(ENTRY.LOAD_DEBUG)),
  g('guest.ia32e.pg', CRS, [F.GUEST_CR0, F.ENTRY], 'If "IA-32e mode guest" is 1, guest CR0.PG is 1', (c) => (c.bit(F.GUEST_CR0, 31) ? undefined : '"IA-32e mode guest" is 1 but guest CR0.PG is 0'), (c) => c.ia32e()),
  g('guest.ia32e.pae', CRS, [F.GUEST_CR4, F.ENTRY], 'If "IA-32e mode guest" is 1, guest CR4.PAE is 1', (c) => (c.bit(F.GUEST_CR4, 5) ? undefined : '"IA-32e mode guest" is 1 but guest CR4.PAE is 0'), (c) => c.ia32e()),
  g('guest.cr4.pcide', CRS, [F.GUEST_CR4, F.ENTRY], 'If "IA-32e mode guest" is 0, guest CR4.PCIDE (bit 17) is 0', (c) => (c.bit(F.GUEST_CR4, 17) ? 'guest CR4.PCIDE is 1 outside IA-32e mode' : undefined), (c) => !c.ia32e()),
  g('guest.cr3.width', CRS, [F.GUEST_CR3], 'Guest CR3 sets no bits beyond the physical-address width', (c) => { const w = c.beyondWidth(c.v(F.GUEST_CR3)); return w ? `guest CR3 ${h(c.v(F.GUEST_CR3))} ${w}` : undefined; }),
  g('guest.dr7.high', CRS, [F.DR7], 'If "load debug controls" is 1, bits 63:32 of guest DR7 are 0', (c) => (c.v(F.DR7) >> 32n ? `guest DR7 ${h(c.v(F.DR7))} sets bits 63:32` : undefined), loads(ENTRY.LOAD_DEBUG)),
  g('guest.sysenter-esp.canonical', CRS, [F.GUEST_SYSENTER_ESP], 'Guest IA32_SYSENTER_ESP is canonical', (c) => canonical(c, F.GUEST_SYSENTER_ESP, 'guest IA32_SYSENTER_ESP')),
  g('guest.sysenter-eip.canonical', CRS, [F.GUEST_SYSENTER_EIP], 'Guest IA32_SYSENTER_EIP is canonical', (c) => canonical(c, F.GUEST_SYSENTER_EIP, 'guest IA32_SYSENTER_EIP')),
  g('guest.s-cet', CRS, [F.GUEST_S_CET], 'If "load CET state" is 1, guest IA32_S_CET is canonical, bits 9:6 are 0 and SUPPRESS and TRACKER are not both 1',
    (c) => canonical(c, F.GUEST_S_CET, 'guest IA32_S_CET') ?? sCetInvalid('guest IA32_S_CET', c.v(F.GUEST_S_CET)), loads(ENTRY.LOAD_CET)),
  g('guest.ssp-table.canonical', CRS, [F.GUEST_SSP_TABLE], 'If "load CET state" is 1, guest IA32_INTERRUPT_SSP_TABLE_ADDR is canonical', (c) => canonical(c, F.GUEST_SSP_TABLE, 'guest IA32_INTERRUPT_SSP_TABLE_ADDR'), loads(ENTRY.LOAD_CET)),
  g('guest.perf-global-ctrl', CRS, [F.GUEST_PERF_GLOBAL_CTRL], 'If "load IA32_PERF_GLOBAL_CTRL" is 1, guest IA32_PERF_GLOBAL_CTRL sets no reserved bits',
    (c) => modelSpecific(c, F.GUEST_PERF_GLOBAL_CTRL, 'IA32_PERF_GLOBAL_CTRL', 'its counters, CPUID leaf 0AH'), loads(ENTRY.LOAD_PERF)),
  g('guest.pat', CRS, [F.GUEST_PAT], 'If "load IA32_PAT" is 1, every entry of guest IA32_PAT is a valid memory type', (c) => patInvalid('guest IA32_PAT', c.v(F.GUEST_PAT)), loads(ENTRY.LOAD_PAT)),
  g('guest.efer.reserved', CRS, [F.GUEST_EFER], 'If "load IA32_EFER" is 1, guest IA32_EFER sets no reserved bits', (c) => reservedBits('guest IA32_EFER', c.v(F.GUEST_EFER), EFER_RESERVED), loads(ENTRY.LOAD_EFER)),
  g('guest.efer.lma', CRS, [F.GUEST_EFER, F.ENTRY], 'If "load IA32_EFER" is 1, guest IA32_EFER.LMA (bit 10) equals "IA-32e mode guest"',
    (c) => (((c.v(F.GUEST_EFER) >> 10n) & 1n) === 1n) === c.ia32e() ? undefined : `guest IA32_EFER ${h(c.v(F.GUEST_EFER))} has LMA ${(c.v(F.GUEST_EFER) >> 10n) & 1n} but "IA-32e mode guest" is ${+c.ia32e()}`,
    loads(ENTRY.LOAD_EFER)),
  g('guest.efer.lme', CRS, [F.GUEST_EFER, F.GUEST_CR0], 'If "load IA32_EFER" is 1 and guest CR0.PG is 1, guest IA32_EFER.LME (bit 8) equals LMA (bit 10)',
    (c) => (((c.v(F.GUEST_EFER) >> 8n) & 1n) === ((c.v(F.GUEST_EFER) >> 10n) & 1n) ? undefined : `guest IA32_EFER ${h(c.v(F.GUEST_EFER))} has LME ≠ LMA with paging on`),
    (c) => c.entry(ENTRY.LOAD_EFER) && c.bit(F.GUEST_CR0, 31)),
  g('guest.bndcfgs', CRS, [F.GUEST_BNDCFGS], 'If "load IA32_BNDCFGS" is 1, bits 11:2 of guest IA32_BNDCFGS are 0 and bits 63:12 form a canonical address',
    (c) => {
      const v = c.v(F.GUEST_BNDCFGS);
      if (v & 0xffcn) return `guest IA32_BNDCFGS ${h(v)} sets reserved bits 11:2`;
      const bad = c.nonCanonical(v & ~0xfffn);
      return bad ? `guest IA32_BNDCFGS base ${h(v & ~0xfffn)} ${bad}` : undefined;
    }, loads(ENTRY.LOAD_BNDCFGS)),
  g('guest.rtit-ctl', CRS, [F.GUEST_RTIT_CTL], 'If "load IA32_RTIT_CTL" is 1, guest IA32_RTIT_CTL sets no reserved bits',
    (c) => modelSpecific(c, F.GUEST_RTIT_CTL, 'IA32_RTIT_CTL', 'the Intel PT features of CPUID leaf 14H'), loads(ENTRY.LOAD_RTIT)),
  g('guest.lbr-ctl', CRS, [F.GUEST_LBR_CTL], 'If "load guest IA32_LBR_CTL" is 1, guest IA32_LBR_CTL sets no reserved bits',
    (c) => reservedBits('guest IA32_LBR_CTL', c.v(F.GUEST_LBR_CTL), LBR_CTL_RESERVED) ?? (c.v(F.GUEST_LBR_CTL) & LBR_CTL_MODEL ? modelSpecific(c, F.GUEST_LBR_CTL, 'IA32_LBR_CTL', 'call-stack mode and branch filtering, CPUID leaf 1CH') : undefined),
    loads(ENTRY.LOAD_LBR)),
  g('guest.pkrs', CRS, [F.GUEST_PKRS], 'If "load PKRS" is 1, bits 63:32 of guest IA32_PKRS are 0', (c) => (c.v(F.GUEST_PKRS) >> 32n ? `guest IA32_PKRS ${h(c.v(F.GUEST_PKRS))} sets bits 63:32` : undefined), loads(ENTRY.LOAD_PKRS)),

  g('guest.gdtr.base.canonical', DTS, [F.GDTR_BASE], 'The guest GDTR base is canonical', (c) => canonical(c, F.GDTR_BASE, 'guest GDTR base')),
  g('guest.idtr.base.canonical', DTS, [F.IDTR_BASE], 'The guest IDTR base is canonical', (c) => canonical(c, F.IDTR_BASE, 'guest IDTR base')),
  g('guest.gdtr.limit', DTS, [F.GDTR_LIMIT], 'Bits 31:16 of the guest GDTR limit are 0', (c) => (c.v(F.GDTR_LIMIT) >> 16n ? `guest GDTR limit ${h(c.v(F.GDTR_LIMIT))} is above 0xffff` : undefined)),
  g('guest.idtr.limit', DTS, [F.IDTR_LIMIT], 'Bits 31:16 of the guest IDTR limit are 0', (c) => (c.v(F.IDTR_LIMIT) >> 16n ? `guest IDTR limit ${h(c.v(F.IDTR_LIMIT))} is above 0xffff` : undefined)),

  g('guest.rip.high', RIP, [F.GUEST_RIP], 'Outside 64-bit mode ("IA-32e mode guest" 0 or CS.L 0), bits 63:32 of guest RIP are 0',
    (c) => (c.v(F.GUEST_RIP) >> 32n ? `guest RIP ${h(c.v(F.GUEST_RIP))} sets bits 63:32 for a guest not in 64-bit mode` : undefined), (c) => !cs64(c)),
  g('guest.rip.canonical', RIP, [F.GUEST_RIP], 'In 64-bit mode ("IA-32e mode guest" 1 and CS.L 1), guest RIP is canonical', (c) => canonical(c, F.GUEST_RIP, 'guest RIP'), cs64),
  g('guest.rflags.reserved', RIP, [F.RFLAGS], 'Guest RFLAGS bits 63:22, 15, 5 and 3 are 0 and bit 1 is 1',
    (c) => reservedBits('guest RFLAGS', c.v(F.RFLAGS), RFLAGS_RESERVED) ?? (c.bit(F.RFLAGS, 1) ? undefined : `guest RFLAGS ${h(c.v(F.RFLAGS))} clears bit 1, which is always 1`), undefined, 'RFLAGS needs bit 1 set: 0x2 is the minimum'),
  g('guest.rflags.vm', RIP, [F.RFLAGS, F.ENTRY, F.GUEST_CR0], 'If "IA-32e mode guest" is 1 or guest CR0.PE is 0, RFLAGS.VM (bit 17) is 0',
    (c) => (c.v86() ? `RFLAGS.VM is 1 ${c.ia32e() ? 'for an IA-32e mode guest' : 'with CR0.PE 0'}` : undefined), (c) => c.ia32e() || !c.pe()),
  g('guest.rflags.if', RIP, [F.RFLAGS, F.ENTRY_INTR_INFO], 'If an external interrupt is injected, RFLAGS.IF (bit 9) is 1',
    (c) => (c.bit(F.RFLAGS, 9) ? undefined : 'an external interrupt is injected with RFLAGS.IF 0'), injectingExternal),
  g('guest.ssp', RIP, [F.GUEST_SSP], 'If "load CET state" is 1, bits 1:0 of guest SSP are 0; bits 63:32 are 0 outside IA-32e mode, and SSP is canonical in it',
    (c) => {
      const v = c.v(F.GUEST_SSP);
      if (v & 3n) return `guest SSP ${h(v)} sets bits 1:0`;
      if (!c.ia32e()) return v >> 32n ? `guest SSP ${h(v)} sets bits 63:32 outside IA-32e mode` : undefined;
      return canonical(c, F.GUEST_SSP, 'guest SSP');
    }, loads(ENTRY.LOAD_CET)),
];

// One hand-written violation per VM-entry rule: the state, on a baseline of entry-states.ts, that breaks only that rule
// (worked out from the SDM's wording, Vol. 3C ch. 27), or leaves it not-checked where only data the state lacks (memory,
// CPUID) could decide.
import { GUEST_32, GUEST_64, GUEST_REAL, GUEST_V86 } from './entry-states';

type Base = 'b64' | 'b32' | 'real' | 'v86';
export interface Violation {
  id: string;
  base: Base;
  /** Field values to set; a function gets the baseline's value. */
  set: Record<number, bigint | ((v: bigint) => bigint)>;
  expect?: 'fail' | 'not-checked';
  /** Outcome of the CPU: qualification of exit 33 or the entry of exit 34 (default: from the class). */
  qualification?: number;
  /** A CPU with more features than Coffee Lake (tertiary controls, CET, PKRS, …); see RICH_MSRS. */
  rich?: boolean;
  msrLoad?: { index: bigint; reserved: bigint; value: bigint }[];
  /** Rules that necessarily fail with it, and why (see the comment on the entry). */
  also?: string[];
  /** Capability MSRs that differ from Coffee Lake for this case. */
  msrs?: Record<string, string>;
  widths?: { physical?: number; linear?: number };
}

export const BASES: Record<Base, () => Map<number, bigint>> = { b64: GUEST_64, b32: GUEST_32, real: GUEST_REAL, v86: GUEST_V86 };

/** Coffee Lake plus every control bit through bit 31 of the secondary and exit controls, entry controls through bit 23,
 * tertiary controls (0x492 = 0xff), CET/PKRS/PT support and EPT A/D + shadow-stack bits. */
export const RICH_MSRS: Record<string, string> = {
  '0x482': '0xfffbfffe0401e172', '0x48e': '0xfffbfffe04006172', '0x48b': '0xffffffff00000000', '0x492': '0x00000000000000ff',
  '0x483': '0xffffffff00036dff', '0x48f': '0xffffffff00036dfb', '0x484': '0x00ffffff000011ff', '0x490': '0x00ffffff000011fb',
  '0x48c': '0x00000f0106f34141', '0x493': '0x0000000000000000', '0x481': '0x000000ff00000016', '0x48d': '0x000000ff00000016',
  '0x489': '0x0000000000b727ff',
};

const or = (bits: bigint) => (v: bigint) => v | bits;
const xor = (bits: bigint) => (v: bigint) => v ^ bits;
const b = (n: number) => 1n << BigInt(n);
const SEC = { 0x4002: or(b(31)) };
const sec = (bits: bigint, extra: Violation['set'] = {}): Violation['set'] => ({ ...SEC, 0x401e: or(bits), ...extra });
const TER = { 0x4002: or(b(17)) };
const inject = (type: number, vector: number, error = false) => b(31) | (BigInt(type) << 8n) | BigInt(vector) | (error ? b(11) : 0n);
const PAGE = 0x9000n;

/** Segment registers: index in the VMCS order ES CS SS DS FS GS LDTR TR. */
const SEG = { es: 0, cs: 1, ss: 2, ds: 3, fs: 4, gs: 5, ldtr: 6, tr: 7 } as const;
const sel = (s: keyof typeof SEG) => 0x0800 + 2 * SEG[s];
const lim = (s: keyof typeof SEG) => 0x4800 + 2 * SEG[s];
const ar = (s: keyof typeof SEG) => 0x4814 + 2 * SEG[s];
const base = (s: keyof typeof SEG) => 0x6806 + 2 * SEG[s];

const USER = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
const DATA4 = ['ds', 'es', 'fs', 'gs'] as const;

export const VIOLATIONS: Violation[] = [
  { id: 'control.pin.allowed', base: 'b64', set: { 0x4000: 0x10n } }, // clears bits 1 and 2 (must be 1)
  { id: 'control.proc.allowed', base: 'b64', set: { 0x4002: or(b(0)) } }, // bit 0 is reserved: allowed-1 bit 0 is 0
  { id: 'control.proc2.allowed', base: 'b64', set: sec(b(29)) }, // bit 29 not allowed (0x48b allowed-1 0x005fbcff)
  { id: 'control.proc3.allowed', base: 'b64', rich: true, set: { ...TER, 0x2034: b(8) } },
  { id: 'control.cr3-target-count', base: 'b64', set: { 0x400a: 5n } },
  { id: 'control.io-bitmap-a', base: 'b64', set: { 0x4002: or(b(25)), 0x2000: PAGE + 8n, 0x2002: PAGE } },
  { id: 'control.io-bitmap-b', base: 'b64', set: { 0x4002: or(b(25)), 0x2000: PAGE, 0x2002: 1n << 39n } }, // beyond 39 bits
  { id: 'control.msr-bitmap', base: 'b64', set: { 0x4002: or(b(28)), 0x2004: 0x9800n } },
  { id: 'control.virtual-apic-address', base: 'b64', set: { 0x4002: or(b(21)), 0x2012: 0x9010n } },
  { id: 'control.tpr-threshold.reserved', base: 'b64', set: { 0x4002: or(b(21)), 0x2012: PAGE, 0x401c: 0x10n } },
  { id: 'control.tpr-threshold.vtpr', base: 'b64', expect: 'not-checked', set: { 0x4002: or(b(21)), 0x2012: PAGE, 0x401c: 3n } },
  { id: 'control.apic-virtualization.tpr-shadow', base: 'b64', rich: true, set: sec(b(8)) },
  { id: 'control.virtual-nmis.nmi-exiting', base: 'b64', set: { 0x4000: or(b(5)) } },
  { id: 'control.nmi-window.virtual-nmis', base: 'b64', set: { 0x4002: or(b(22)) } },
  { id: 'control.apic-access-address', base: 'b64', set: sec(b(0), { 0x2014: 0x9001n }) },
  { id: 'control.x2apic.apic-accesses', base: 'b64', set: { ...sec(b(0) | b(4), { 0x2014: PAGE }), 0x4002: or(b(31) | b(21)), 0x2012: PAGE } },
  { id: 'control.vid.external-interrupt-exiting', base: 'b64', rich: true, set: { ...sec(b(9)), 0x4002: or(b(31) | b(21)), 0x2012: PAGE } },
  { id: 'control.posted-interrupts.vid', base: 'b64', rich: true, set: { 0x4000: or(b(7)), 0x400c: or(b(15)), 0x0002: 0xf2n, 0x2016: 0x9040n } },
  { id: 'control.posted-interrupts.ack-interrupt', base: 'b64', rich: true, set: { 0x4000: or(b(7) | b(0)), ...sec(b(9)), 0x4002: or(b(31) | b(21)), 0x2012: PAGE, 0x0002: 0xf2n, 0x2016: 0x9040n } },
  { id: 'control.posted-interrupts.vector', base: 'b64', rich: true, set: { 0x4000: or(b(7) | b(0)), ...sec(b(9)), 0x4002: or(b(31) | b(21)), 0x400c: or(b(15)), 0x2012: PAGE, 0x0002: 0x1f2n, 0x2016: 0x9040n } },
  { id: 'control.posted-interrupts.descriptor', base: 'b64', rich: true, set: { 0x4000: or(b(7) | b(0)), ...sec(b(9)), 0x4002: or(b(31) | b(21)), 0x400c: or(b(15)), 0x2012: PAGE, 0x0002: 0xf2n, 0x2016: 0x9020n } },
  { id: 'control.vpid.nonzero', base: 'b64', set: sec(b(5), { 0x0000: 0n }) },
  { id: 'control.eptp', base: 'b64', set: sec(b(1), { 0x201a: 0x9019n }) }, // memory type 1 (WC): EPT allows only UC and WB
  { id: 'control.pml.ept', base: 'b64', set: sec(b(17), { 0x200e: PAGE }) },
  { id: 'control.pml-address', base: 'b64', set: sec(b(17) | b(1), { 0x201a: 0x901en, 0x200e: 0x9100n }) },
  { id: 'control.unrestricted-guest.ept', base: 'b64', set: sec(b(7)) },
  { id: 'control.spp.ept', base: 'b64', rich: true, set: sec(b(23), { 0x2030: PAGE }) },
  { id: 'control.spptp', base: 'b64', rich: true, set: sec(b(23) | b(1), { 0x201a: 0x901en, 0x2030: 0x9008n }) },
  { id: 'control.vmfunc.allowed', base: 'b64', set: sec(b(13), { 0x2018: 2n }) },
  { id: 'control.eptp-switching.ept', base: 'b64', set: sec(b(13), { 0x2018: 1n, 0x2024: PAGE }) },
  { id: 'control.eptp-list-address', base: 'b64', set: sec(b(13) | b(1), { 0x201a: 0x901en, 0x2018: 1n, 0x2024: 0x9004n }) },
  { id: 'control.vmread-bitmap', base: 'b64', rich: true, set: sec(b(14), { 0x2026: 0x9004n, 0x2028: PAGE }) },
  { id: 'control.vmwrite-bitmap', base: 'b64', rich: true, set: sec(b(14), { 0x2026: PAGE, 0x2028: 1n << 40n }) },
  { id: 'control.ve-information-address', base: 'b64', set: sec(b(18), { 0x202a: 0x9004n }) },
  { id: 'control.pt-gpa.ept', base: 'b64', rich: true, set: { ...sec(b(24)), 0x4012: or(b(18)), 0x400c: or(b(25)), 0x2814: 0n } },
  { id: 'control.pt-gpa.load-rtit-ctl', base: 'b64', rich: true, set: { ...sec(b(24) | b(1), { 0x201a: 0x901en }), 0x400c: or(b(25)) } },
  { id: 'control.pt-gpa.clear-rtit-ctl', base: 'b64', rich: true, set: { ...sec(b(24) | b(1), { 0x201a: 0x901en }), 0x4012: or(b(18)), 0x2814: 0n } },
  { id: 'control.hlat.ept', base: 'b64', rich: true, set: { ...TER, 0x2034: b(1), 0x2040: PAGE } },
  { id: 'control.hlatp', base: 'b64', rich: true, set: { ...TER, 0x2034: b(1), 0x2040: 0x9800n, ...sec(b(1), { 0x201a: 0x901en }), 0x4002: or(b(17) | b(31)) } },
  { id: 'control.ept-paging-write.ept', base: 'b64', rich: true, set: { ...TER, 0x2034: b(2) } },
  { id: 'control.guest-paging-verification.ept', base: 'b64', rich: true, set: { ...TER, 0x2034: b(3) } },
  { id: 'control.exit.allowed', base: 'b64', set: { 0x400c: xor(b(0)) } },
  { id: 'control.exit2.allowed', base: 'b64', rich: true, set: { 0x400c: or(b(31)), 0x2044: b(0) } },
  { id: 'control.save-preemption-timer', base: 'b64', set: { 0x400c: or(b(22)) } },
  { id: 'control.exit-msr-store', base: 'b64', set: { 0x400e: 1n, 0x2006: 0x9008n } },
  { id: 'control.exit-msr-load', base: 'b64', set: { 0x4010: 2n, 0x2008: (1n << 39n) - 16n } }, // the list's last byte is beyond 39 bits
  { id: 'control.entry.allowed', base: 'b64', set: { 0x4012: or(b(18)), 0x2814: 0n } }, // load IA32_RTIT_CTL: allowed-1 bit 18 is 0
  { id: 'control.event.reserved', base: 'b64', set: { 0x4016: inject(0, 0x20) | b(12), 0x6820: or(b(9)) } },
  { id: 'control.event.type', base: 'b64', set: { 0x4016: inject(1, 0x20) } },
  { id: 'control.event.other-event', base: 'b64', set: { 0x4016: inject(7, 0) }, msrs: { '0x482': '0xf7f9fffe0401e172', '0x48e': '0xf7f9fffe04006172' } }, // a CPU without "monitor trap flag"
  { id: 'control.event.vector.nmi', base: 'b64', set: { 0x4016: inject(2, 3) } },
  { id: 'control.event.vector.exception', base: 'b64', set: { 0x4016: inject(3, 32) } },
  { id: 'control.event.vector.other-event', base: 'b64', set: { 0x4016: inject(7, 1) } },
  { id: 'control.event.error-code-bit', base: 'b64', set: { 0x4016: inject(3, 13) } }, // #GP without its error code
  { id: 'control.event.error-code', base: 'b64', set: { 0x4016: inject(3, 13, true), 0x4018: 0x10000n } },
  { id: 'control.event.instruction-length', base: 'b64', set: { 0x4016: inject(4, 0x80), 0x401a: 16n } },
  { id: 'control.entry-msr-load', base: 'b64', set: { 0x4014: 1n, 0x200a: 0x9004n }, msrLoad: [{ index: 0xc0000102n, reserved: 0n, value: 0n }] },
  { id: 'control.entry.smm', base: 'b64', set: { 0x4012: or(b(11)) } },

  { id: 'host.cr0.fixed', base: 'b64', set: { 0x6c00: xor(b(5)) } }, // NE is fixed to 1
  { id: 'host.cr4.fixed', base: 'b64', set: { 0x6c04: xor(b(13)) } }, // VMXE is fixed to 1
  { id: 'host.cr3.width', base: 'b64', set: { 0x6c02: 1n << 39n } },
  { id: 'host.cr4.cet-wp', base: 'b64', set: { 0x6c04: or(b(23)), 0x6c00: xor(b(16)) }, rich: true },
  { id: 'host.s-cet', base: 'b64', rich: true, set: { 0x400c: or(b(28)), 0x6c18: 0xc00n, 0x6c1a: 0x1000n, 0x6c1c: 0n } },
  { id: 'host.ssp', base: 'b64', rich: true, set: { 0x400c: or(b(28)), 0x6c18: 0n, 0x6c1a: 0x1002n, 0x6c1c: 0n } },
  { id: 'host.ssp-table.canonical', base: 'b64', rich: true, set: { 0x400c: or(b(28)), 0x6c18: 0n, 0x6c1a: 0x1000n, 0x6c1c: 0x0000800000000000n } },
  { id: 'host.perf-global-ctrl', base: 'b64', expect: 'not-checked', set: { 0x400c: or(b(12)), 0x2c04: 0xfn } },
  { id: 'host.pat', base: 'b64', set: { 0x400c: or(b(19)), 0x2c00: 0x0007040600070402n } },
  { id: 'host.efer.reserved', base: 'b64', set: { 0x400c: or(b(21)), 0x2c02: 0x502n } },
  { id: 'host.efer.lma-lme', base: 'b64', set: { 0x400c: or(b(21)), 0x2c02: 0x400n } },
  { id: 'host.pkrs', base: 'b64', rich: true, set: { 0x400c: or(b(29)), 0x2c06: 1n << 32n } },
  { id: 'host.sysenter-esp.canonical', base: 'b64', set: { 0x6c10: 0x0000800000000000n } },
  { id: 'host.sysenter-eip.canonical', base: 'b64', set: { 0x6c12: 0xffff7fffffffffffn } },
  ...(['es', 'cs', 'ss', 'ds', 'fs', 'gs', 'tr'] as const).map((s, i): Violation => ({ id: `host.${s}.selector`, base: 'b64', set: { [s === 'tr' ? 0x0c0c : 0x0c00 + 2 * i]: s === 'tr' ? 0x1bn : 0x13n } })),
  { id: 'host.cs.nonzero', base: 'b64', set: { 0x0c02: 0n } },
  { id: 'host.tr.nonzero', base: 'b64', set: { 0x0c0c: 0n } },
  { id: 'host.ss.nonzero', base: 'b32', set: { 0x400c: xor(b(9)), 0x0c04: 0n, 0x6c16: 0x100000n }, also: ['host.address-space-size'] }, // only a 32-bit host may have SS 0 refused
  { id: 'host.fs-base.canonical', base: 'b64', set: { 0x6c06: 0x0000800000000000n } },
  { id: 'host.gs-base.canonical', base: 'b64', set: { 0x6c08: 0xfff0000000000000n } },
  { id: 'host.gdtr-base.canonical', base: 'b64', set: { 0x6c0c: 0x8000000000000000n } },
  { id: 'host.idtr-base.canonical', base: 'b64', set: { 0x6c0e: 0x0001000000000000n } },
  { id: 'host.tr-base.canonical', base: 'b64', set: { 0x6c0a: 0x0000800000000000n } },
  { id: 'host.address-space-size', base: 'b32', set: { 0x400c: xor(b(9)), 0x6c16: 0x100000n } }, // a 32-bit host, otherwise consistent
  { id: 'host.address-space-size.pae', base: 'b64', set: { 0x6c04: xor(b(5)) } },
  { id: 'host.rip.canonical', base: 'b64', set: { 0x6c16: 0x0000800000000000n } },
  { id: 'host.address-space-size.32', base: 'b32', set: { 0x400c: xor(b(9)), 0x6c16: 1n << 32n }, also: ['host.address-space-size'] },

  { id: 'guest.cr0.fixed', base: 'b64', set: { 0x6800: xor(b(5)) } },
  { id: 'guest.cr0.pg-pe', base: 'real', set: { 0x6800: or(b(31)) } },
  { id: 'guest.cr4.fixed', base: 'b64', set: { 0x6804: or(b(12)) } }, // LA57: FIXED1 bit 12 is 0
  { id: 'guest.cr4.cet-wp', base: 'b64', rich: true, set: { 0x6804: or(b(23)) } },
  { id: 'guest.debugctl.reserved', base: 'b64', set: { 0x4012: or(b(2)), 0x2802: 4n } },
  { id: 'guest.ia32e.pg', base: 'b64', set: { ...sec(b(1) | b(7), { 0x201a: 0x901en }), 0x6800: xor(b(31)) } }, // PG may be 0 only with unrestricted guest
  { id: 'guest.ia32e.pae', base: 'b64', set: { 0x6804: xor(b(5)) } },
  { id: 'guest.cr4.pcide', base: 'b32', set: { 0x6804: or(b(17)) } },
  { id: 'guest.cr3.width', base: 'b64', set: { 0x6802: 1n << 40n } },
  { id: 'guest.dr7.high', base: 'b64', set: { 0x4012: or(b(2)), 0x681a: 0x400n | b(32) } },
  { id: 'guest.sysenter-esp.canonical', base: 'b64', set: { 0x6824: 0x0000800000000000n } },
  { id: 'guest.sysenter-eip.canonical', base: 'b64', set: { 0x6826: 0x0000800000000000n } },
  { id: 'guest.s-cet', base: 'b64', rich: true, set: { 0x4012: or(b(20)), 0x6828: 0x40n, 0x682a: 0x1000n, 0x682c: 0n } },
  { id: 'guest.ssp-table.canonical', base: 'b64', rich: true, set: { 0x4012: or(b(20)), 0x6828: 0n, 0x682a: 0x1000n, 0x682c: 0x0000800000000000n } },
  { id: 'guest.perf-global-ctrl', base: 'b64', expect: 'not-checked', set: { 0x4012: or(b(13)), 0x2808: 1n } },
  { id: 'guest.pat', base: 'b64', set: { 0x4012: or(b(14)), 0x2804: 0x0007040600070408n } },
  { id: 'guest.efer.reserved', base: 'b64', set: { 0x4012: or(b(15)), 0x2806: 0x580n } },
  { id: 'guest.efer.lma', base: 'b32', set: { 0x4012: or(b(15)), 0x2806: 0x500n } }, // LME = LMA = 1 for a guest outside IA-32e mode
  { id: 'guest.efer.lme', base: 'b32', set: { 0x4012: or(b(15)), 0x2806: 0x100n } },
  { id: 'guest.bndcfgs', base: 'b64', set: { 0x4012: or(b(16)), 0x2812: 0x1004n } },
  { id: 'guest.rtit-ctl', base: 'b64', rich: true, expect: 'not-checked', set: { 0x4012: or(b(18)), 0x2814: 1n } },
  { id: 'guest.lbr-ctl', base: 'b64', rich: true, set: { 0x4012: or(b(21)), 0x2816: b(4) } },
  { id: 'guest.pkrs', base: 'b64', rich: true, set: { 0x4012: or(b(22)), 0x2818: b(40) } },

  { id: 'guest.tr.selector.ti', base: 'b64', set: { [sel('tr')]: 0x1cn } },
  { id: 'guest.ldtr.selector.ti', base: 'b64', set: { [sel('ldtr')]: 0x24n, [ar('ldtr')]: 0x82n, [lim('ldtr')]: 0xffffn } },
  { id: 'guest.ss.selector.rpl', base: 'b64', set: { [sel('ss')]: 0x13n, [ar('ss')]: 0xc0f3n, [ar('cs')]: 0xa09fn } }, // SS RPL 3 = DPL 3; conforming CS with RPL 0, DPL 0
  ...USER.flatMap((s): Violation[] => [
    { id: `guest.${s}.v86.base`, base: 'v86', set: { [base(s)]: 0x10010n } },
    { id: `guest.${s}.v86.limit`, base: 'v86', set: { [lim(s)]: 0xfffen } },
    { id: `guest.${s}.v86.ar`, base: 'v86', set: { [ar(s)]: 0xf1n } },
  ]),
  { id: 'guest.tr.base.canonical', base: 'b64', set: { [base('tr')]: 0x0000800000000000n } },
  { id: 'guest.fs.base.canonical', base: 'b64', set: { [base('fs')]: 0x0000800000000000n } },
  { id: 'guest.gs.base.canonical', base: 'b64', set: { [base('gs')]: 0x0000800000000000n } },
  { id: 'guest.ldtr.base.canonical', base: 'b64', set: { [ar('ldtr')]: 0x82n, [lim('ldtr')]: 0xffffn, [base('ldtr')]: 0x0000800000000000n } },
  ...(['cs', 'ss', 'ds', 'es'] as const).map((s): Violation => ({ id: `guest.${s}.base.high`, base: 'b64', set: { [base(s)]: 1n << 32n } })),
  { id: 'guest.cs.type', base: 'b64', set: { [ar('cs')]: 0xa09an } }, // type 10: not accessed
  { id: 'guest.ss.type', base: 'b64', set: { [ar('ss')]: 0xc091n } }, // type 1: read-only
  ...DATA4.map((s): Violation => ({ id: `guest.${s}.type`, base: 'b64', set: { [ar(s)]: 0xc099n } })), // type 9: execute-only code
  ...USER.flatMap((s): Violation[] => [
    { id: `guest.${s}.s`, base: 'b64', set: { [ar(s)]: xor(b(4)) } },
    { id: `guest.${s}.p`, base: 'b64', set: { [ar(s)]: xor(b(7)) } },
    { id: `guest.${s}.reserved`, base: 'b64', set: { [ar(s)]: or(b(9)) } },
    { id: `guest.${s}.g`, base: 'b64', set: { [lim(s)]: 0xfffffffen } },
  ]),
  { id: 'guest.cs.dpl', base: 'b64', set: { [ar('cs')]: 0xa0bbn } }, // non-conforming CS DPL 1, SS DPL 0
  { id: 'guest.ss.dpl', base: 'b64', set: { [ar('ss')]: 0xc0b3n, [ar('cs')]: 0xa09fn } }, // DPL 1, RPL 0; conforming CS (DPL 0 ≤ SS.DPL)
  ...DATA4.map((s): Violation => ({ id: `guest.${s}.dpl`, base: 'b64', set: { [sel(s)]: 0x13n } })), // RPL 3 > DPL 0
  { id: 'guest.cs.db', base: 'b64', set: { [ar('cs')]: 0xe09bn } },
  { id: 'guest.tr.type', base: 'b64', set: { [ar('tr')]: 0x83n } }, // 16-bit busy TSS in IA-32e mode
  { id: 'guest.tr.s', base: 'b64', set: { [ar('tr')]: 0x9bn } },
  { id: 'guest.tr.p', base: 'b64', set: { [ar('tr')]: 0x0bn } },
  { id: 'guest.tr.reserved', base: 'b64', set: { [ar('tr')]: 0x2008bn } },
  { id: 'guest.tr.g', base: 'b64', set: { [ar('tr')]: 0x808bn } }, // G 1 with limit 0x67
  { id: 'guest.tr.usable', base: 'b64', set: { [ar('tr')]: 0x1008bn } },
  { id: 'guest.ldtr.type', base: 'b64', set: { [ar('ldtr')]: 0x83n, [lim('ldtr')]: 0xffffn } },
  { id: 'guest.ldtr.s', base: 'b64', set: { [ar('ldtr')]: 0x92n, [lim('ldtr')]: 0xffffn } },
  { id: 'guest.ldtr.p', base: 'b64', set: { [ar('ldtr')]: 0x02n, [lim('ldtr')]: 0xffffn } },
  { id: 'guest.ldtr.reserved', base: 'b64', set: { [ar('ldtr')]: 0x182n, [lim('ldtr')]: 0xffffn } },
  { id: 'guest.ldtr.g', base: 'b64', set: { [ar('ldtr')]: 0x82n, [lim('ldtr')]: 0x100000n } },
  { id: 'guest.gdtr.base.canonical', base: 'b64', set: { 0x6816: 0x0000800000000000n } },
  { id: 'guest.idtr.base.canonical', base: 'b64', set: { 0x6818: 0x0000800000000000n } },
  { id: 'guest.gdtr.limit', base: 'b64', set: { 0x4810: 0x10000n } },
  { id: 'guest.idtr.limit', base: 'b64', set: { 0x4812: 0x10000n } },
  { id: 'guest.rip.high', base: 'b32', set: { 0x681e: 1n << 32n } },
  { id: 'guest.rip.canonical', base: 'b64', set: { 0x681e: 0x0000800000000000n } },
  { id: 'guest.rflags.reserved', base: 'b64', set: { 0x6820: 0x8002n } },
  { id: 'guest.rflags.vm', base: 'v86', set: { ...sec(b(1) | b(7), { 0x201a: 0x901en }), 0x6800: (v) => v & ~0x80000001n } }, // virtual-8086 segments with CR0.PE 0
  { id: 'guest.rflags.if', base: 'b64', set: { 0x4016: inject(0, 0x20) } },
  { id: 'guest.ssp', base: 'b64', rich: true, set: { 0x4012: or(b(20)), 0x6828: 0n, 0x682a: 0x1001n, 0x682c: 0n } },
  { id: 'guest.activity.supported', base: 'b64', set: { 0x4826: 4n } },
  { id: 'guest.activity.hlt-ss-dpl', base: 'b64', set: { 0x4826: 1n, [ar('ss')]: 0xc0f3n, [sel('ss')]: 0x13n, [sel('cs')]: 0x0bn, [ar('cs')]: 0xa0fbn } }, // a ring-3 guest halted
  { id: 'guest.activity.blocking', base: 'b64', set: { 0x4826: 1n, 0x4824: 2n } },
  { id: 'guest.activity.event', base: 'b64', set: { 0x4826: 3n, 0x4016: inject(2, 2) } },
  { id: 'guest.activity.smm-sipi', base: 'b64', set: { 0x4012: or(b(10)), 0x4826: 3n, 0x4824: 4n }, also: ['control.entry.smm', 'guest.interruptibility.smi'] }, // "entry to SMM" and SMI blocking are refused outside SMM
  { id: 'guest.interruptibility.reserved', base: 'b64', set: { 0x4824: b(5) } },
  { id: 'guest.interruptibility.sti-mov-ss', base: 'b64', set: { 0x4824: 3n, 0x6820: or(b(9)) } },
  { id: 'guest.interruptibility.sti-if', base: 'b64', set: { 0x4824: 1n } },
  { id: 'guest.interruptibility.external', base: 'b64', set: { 0x4016: inject(0, 0x20), 0x6820: or(b(9)), 0x4824: 2n } },
  { id: 'guest.interruptibility.nmi-mov-ss', base: 'b64', set: { 0x4016: inject(2, 2), 0x4824: 2n } },
  { id: 'guest.interruptibility.smi', base: 'b64', set: { 0x4824: 4n } },
  { id: 'guest.interruptibility.smm-entry', base: 'b64', set: { 0x4012: or(b(10)) }, also: ['control.entry.smm'] },
  { id: 'guest.interruptibility.virtual-nmi', base: 'b64', set: { 0x4000: or(b(3) | b(5)), 0x4016: inject(2, 2), 0x4824: 8n } },
  { id: 'guest.interruptibility.enclave', base: 'b64', set: { 0x4824: 0x12n } },
  { id: 'guest.interruptibility.nmi-sti', base: 'b64', set: { 0x4016: inject(2, 2), 0x4824: 1n, 0x6820: or(b(9)) }, qualification: 3 },
  { id: 'guest.pending-debug.reserved', base: 'b64', set: { 0x6822: b(4) } },
  { id: 'guest.pending-debug.rtm', base: 'b64', set: { 0x6822: b(16), 0x4824: 2n } },
  { id: 'guest.pending-debug.bs', base: 'b64', set: { 0x4824: 2n, 0x6820: or(b(8)) } }, // TF 1, BTF 0, blocking by MOV SS: BS must be 1
  { id: 'guest.link-pointer.address', base: 'b64', set: { 0x2800: 0x9008n }, qualification: 4 },
  { id: 'guest.link-pointer.vmcs', base: 'b64', expect: 'not-checked', set: { 0x2800: PAGE } },
  ...[0, 1, 2, 3].map((n): Violation => ({ id: `guest.pdpte${n}`, base: 'real', set: { 0x6800: or(b(0) | b(31)), 0x6804: or(b(5)), 0x6802: 0x5000n, 0x280a: 0n, 0x280c: 0n, 0x280e: 0n, 0x2810: 0n, [0x280a + 2 * n]: 0x7003n }, qualification: 2 })),
  { id: 'guest.pdpte.memory', base: 'b32', expect: 'not-checked', set: { 0x6804: or(b(5)) } },
  { id: 'msr-load.entries', base: 'b64', set: { 0x4014: 2n, 0x200a: 0x9000n }, msrLoad: [{ index: 0xc0000102n, reserved: 0n, value: 0n }, { index: 0xc0000100n, reserved: 0n, value: 0n }], qualification: 2 },
];

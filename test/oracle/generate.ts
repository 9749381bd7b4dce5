// Generated VMCS states for the differential test: valid baselines for each guest mode the model can run, and
// seeded random mutations of the fields and controls the VM-entry rules read, each a case the harness can run safely.
// Safety: host fields change only to values that fail the host checks (a VM exit loads host state), guest RSP and the
// code the guest runs stay put, and memory writes go only to the harness's scratch areas.
import { controlDefaults, guest64Writes, guestSelectors, layout } from './layout';
import type { OracleCase } from './bochs';

type Msrs = ReadonlyMap<number, bigint | null>;
type Writes = Map<number, bigint>;
export type Mode = '64' | '32' | 'pae-ept' | 'real' | 'v86';

export interface GeneratedCase extends OracleCase {
  mode: Mode;
  mutations: string[];
  msrLoad?: { index: bigint; reserved: bigint; value: bigint }[];
}

/** mulberry32: small, seedable, good enough to spread mutations. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const bit = (n: number) => 1n << BigInt(n);
const allowed1 = (msrs: Msrs, plain: number, trueMsr: number) => {
  const basic = msrs.get(0x480) ?? 0n;
  const v = ((basic >> 55n) & 1n ? msrs.get(trueMsr) : undefined) ?? msrs.get(plain) ?? 0n;
  return v >> 32n;
};

/** The control MSRs of the model as allowed-0 / allowed-1 pairs. */
export function controlMasks(msrs: Msrs) {
  return {
    pin: { f: 0x4000, a0: controlDefaults(msrs, 0x481, 0x48d), a1: allowed1(msrs, 0x481, 0x48d) },
    proc: { f: 0x4002, a0: controlDefaults(msrs, 0x482, 0x48e), a1: allowed1(msrs, 0x482, 0x48e) },
    proc2: { f: 0x401e, a0: 0n, a1: (msrs.get(0x48b) ?? 0n) >> 32n },
    exit: { f: 0x400c, a0: controlDefaults(msrs, 0x483, 0x48f), a1: allowed1(msrs, 0x483, 0x48f) },
    entry: { f: 0x4012, a0: controlDefaults(msrs, 0x484, 0x490), a1: allowed1(msrs, 0x484, 0x490) },
  };
}

const fixed = (msrs: Msrs, v: bigint, f0: number, f1: number) => (v | (msrs.get(f0) ?? 0n)) & (msrs.get(f1) ?? ~0n);

function seg(w: Writes, i: number, sel: number, ar: number, base: bigint, limit: bigint) {
  w.set(0x0800 + 2 * i, BigInt(sel));
  w.set(0x4800 + 2 * i, limit);
  w.set(0x4814 + 2 * i, BigInt(ar));
  w.set(0x6806 + 2 * i, base);
}

/** Valid states for each guest mode the model supports. */
export function baselines(msrs: Msrs): Map<Mode, Writes> {
  const m = controlMasks(msrs);
  const out = new Map<Mode, Writes>();
  const b64 = new Map(guest64Writes(msrs));
  out.set('64', b64);

  const b32 = new Map(b64);
  b32.set(0x4012, b32.get(0x4012)! & ~bit(9));
  b32.set(0x6804, fixed(msrs, 0x2010n, 0x488, 0x489)); // VMXE, PSE
  b32.set(0x6802, layout.guestCr3Pse);
  const s = guestSelectors;
  seg(b32, 1, s.code32.selector, s.code32.ar, 0n, 0xffffffffn);
  seg(b32, 7, s.tss32.selector, s.tss32.ar, layout.guestTss, 0x67n);
  out.set('32', b32);

  const v86 = new Map(b32);
  for (const i of [0, 1, 2, 3, 4, 5]) seg(v86, i, 0x2000, 0xf3, 0x20000n, 0xffffn);
  v86.set(0x6820, 0x20002n);
  v86.set(0x681e, 0n);
  v86.set(0x681c, 0x1f00n);
  out.set('v86', v86);

  const ept = (m.proc.a1 & bit(31)) !== 0n && (m.proc2.a1 & bit(1)) !== 0n;
  if (ept) {
    const pae = new Map(b32);
    pae.set(0x4002, pae.get(0x4002)! | bit(31));
    pae.set(0x401e, bit(1));
    pae.set(0x201a, layout.eptp);
    pae.set(0x6804, fixed(msrs, 0x2020n, 0x488, 0x489));
    pae.set(0x6802, layout.guestCr3Pae);
    for (let i = 0; i < 4; i++) pae.set(0x280a + 2 * i, (0x34000n + BigInt(i) * 0x1000n) | 1n);
    out.set('pae-ept', pae);
  }
  if (ept && (m.proc2.a1 & bit(7)) !== 0n) {
    const real = new Map(b32);
    real.set(0x4002, real.get(0x4002)! | bit(31));
    real.set(0x401e, bit(1) | bit(7));
    real.set(0x201a, layout.eptp);
    real.set(0x6800, fixed(msrs, 0x30n, 0x486, 0x487) & ~0x80000001n);
    real.set(0x6804, fixed(msrs, 0x2000n, 0x488, 0x489));
    real.set(0x6802, 0n);
    seg(real, 1, 0x2000, 0x9b, 0x20000n, 0xffffn);
    seg(real, 2, 0x2000, 0x93, 0x20000n, 0xffffn);
    for (const i of [0, 3, 4, 5]) seg(real, i, 0, 0x93, 0n, 0xffffn);
    seg(real, 7, 0, 0x8b, 0n, 0xffffn);
    real.set(0x6816, 0n);
    real.set(0x4810, 0xffffn);
    real.set(0x6818, 0n);
    real.set(0x4812, 0x3ffn);
    real.set(0x681e, 0n);
    real.set(0x681c, 0x1f00n);
    out.set('real', real);
  }
  return out;
}

/** Interesting values of an address field: valid pages, misaligned, beyond the width, 0. */
function address(r: Rng, phys: number, align = 0x1000n): bigint {
  return r.pick([layout.zeroPages[r.int(4)], layout.zeroPages[0] + align / 2n || 1n, 1n << BigInt(phys), (1n << BigInt(phys)) - align, 0n, 1n << 52n]);
}
/** Canonical, barely non-canonical and other values of a linear-address field. */
function linear(r: Rng): bigint {
  return r.pick([0n, 0x00007ffffffff000n, 0x0000800000000000n, 0xffff800000000000n, 0xffff7fffffffffffn, 0x8000000000000000n, 0x1000n, 0xfffffffff000n]);
}
function flipBit(r: Rng, v: bigint, bits: number): bigint {
  return v ^ bit(r.int(bits));
}

interface Ctx {
  r: Rng;
  msrs: Msrs;
  phys: number;
  w: Writes;
  mode: Mode;
  memory: Array<[bigint, bigint]>;
  msrLoad?: GeneratedCase['msrLoad'];
}

const GUEST_SEG_FIELDS = (i: number) => ({ sel: 0x0800 + 2 * i, limit: 0x4800 + 2 * i, ar: 0x4814 + 2 * i, base: 0x6806 + 2 * i });
const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', 'ldtr', 'tr'];

/** Turns on a control bit if the model allows it (secondary controls also set "activate secondary controls"). */
function enable(c: Ctx, key: 'pin' | 'proc' | 'proc2' | 'exit' | 'entry', n: number): boolean {
  const m = controlMasks(c.msrs)[key];
  if (!(m.a1 & bit(n))) return false;
  if (key === 'proc2') {
    if (!(controlMasks(c.msrs).proc.a1 & bit(31))) return false;
    c.w.set(0x4002, c.w.get(0x4002)! | bit(31));
    c.w.set(0x401e, (c.w.get(0x401e) ?? 0n) | bit(n));
  } else c.w.set(m.f, c.w.get(m.f)! | bit(n));
  return true;
}

type Mutation = (c: Ctx) => string | undefined;

const FEATURES: Array<[string, 'pin' | 'proc' | 'proc2' | 'exit' | 'entry', number, (c: Ctx) => void]> = [
  ['io-bitmaps', 'proc', 25, (c) => { c.w.set(0x2000, address(c.r, c.phys)); c.w.set(0x2002, address(c.r, c.phys)); }],
  ['msr-bitmaps', 'proc', 28, (c) => c.w.set(0x2004, address(c.r, c.phys))],
  ['tpr-shadow', 'proc', 21, (c) => { c.w.set(0x2012, address(c.r, c.phys)); c.w.set(0x401c, c.r.pick([0n, 0n, 0x10n, 0xffn])); }],
  ['nmi-window', 'proc', 22, () => undefined],
  ['nmi-exiting', 'pin', 3, () => undefined],
  ['virtual-nmis', 'pin', 5, () => undefined],
  ['preemption-timer', 'pin', 6, (c) => c.w.set(0x482e, BigInt(c.r.int(3)))],
  ['posted-interrupts', 'pin', 7, (c) => { c.w.set(0x0002, c.r.pick([0xf2n, 0x1f2n])); c.w.set(0x2016, c.r.pick([layout.zeroPages[0], layout.zeroPages[0] + 0x20n])); }],
  ['ept', 'proc2', 1, (c) => c.w.set(0x201a, c.r.pick([layout.eptp, layout.eptp, layout.eptp | 0x40n, (layout.eptp & ~7n) | 1n, (layout.eptp & ~0x38n) | 0x20n, layout.eptp | 0x100n, layout.eptp | 0x80n, layout.eptp | (1n << BigInt(c.phys))]))],
  ['vpid', 'proc2', 5, (c) => c.w.set(0x0000, c.r.pick([0n, 1n, 0xffffn]))],
  ['apic-accesses', 'proc2', 0, (c) => c.w.set(0x2014, address(c.r, c.phys))],
  ['x2apic', 'proc2', 4, () => undefined],
  ['apic-register-virtualization', 'proc2', 8, () => undefined],
  ['virtual-interrupt-delivery', 'proc2', 9, () => undefined],
  ['unrestricted-guest', 'proc2', 7, () => undefined],
  ['pml', 'proc2', 17, (c) => c.w.set(0x200e, address(c.r, c.phys))],
  ['vmfunc', 'proc2', 13, (c) => { c.w.set(0x2018, c.r.pick([0n, 1n, 2n, 1n])); c.w.set(0x2024, address(c.r, c.phys)); }],
  ['vmcs-shadowing', 'proc2', 14, (c) => { c.w.set(0x2026, address(c.r, c.phys)); c.w.set(0x2028, address(c.r, c.phys)); }],
  ['ept-ve', 'proc2', 18, (c) => c.w.set(0x202a, address(c.r, c.phys))],
  ['pt-gpa', 'proc2', 24, () => undefined],
  ['spp', 'proc2', 23, (c) => c.w.set(0x2030, address(c.r, c.phys))],
  ['tsc-scaling', 'proc2', 25, (c) => c.w.set(0x2032, c.r.pick([0n, 1n << 48n]))],
  ['save-preemption-timer', 'exit', 22, () => undefined],
  ['ack-interrupt', 'exit', 15, () => undefined],
  ['exit-load-pat', 'exit', 19, (c) => c.w.set(0x2c00, c.r.pick([0x0007040600070406n, 0x0007040600070402n, 0x0807040600070406n]))],
  ['exit-load-efer', 'exit', 21, (c) => c.w.set(0x2c02, c.r.pick([0x500n, 0x501n, 0x100n, 0xd01n, 0x1500n]))],
  ['entry-load-debug', 'entry', 2, (c) => { c.w.set(0x681a, c.r.pick([0x400n, 0x400n | (1n << 32n)])); c.w.set(0x2802, c.r.pick([0n, 1n, 2n, 4n, 0x40n, 1n << 32n])); }],
  ['entry-load-pat', 'entry', 14, (c) => c.w.set(0x2804, c.r.pick([0x0007040600070406n, 0x0007040600070403n]))],
  ['entry-load-efer', 'entry', 15, (c) => c.w.set(0x2806, c.r.pick(c.mode === '64' ? [0x500n, 0x400n, 0x100n, 0x501n, 0x2500n] : [0n, 0x400n, 0x100n, 0x800n, 0x2n]))],
  ['entry-load-bndcfgs', 'entry', 16, (c) => c.w.set(0x2812, c.r.pick([0n, 0x1001n, 0x4n, 0x0000800000000000n]))],
  // CET and PKRS state: harmless to load while CR4.CET / CR4.PKS are 0 (the harness's host and the baselines).
  ['exit-load-cet', 'exit', 28, (c) => {
    c.w.set(0x6c18, c.r.pick([0n, 0n, 0x40n, 0xc00n, 0x0000800000000000n]));
    c.w.set(0x6c1a, c.r.pick([0n, 0x1000n, 0x1002n, 0x0000800000000000n]));
    c.w.set(0x6c1c, c.r.pick([0n, 0n, 0x0000800000000000n]));
  }],
  ['entry-load-cet', 'entry', 20, (c) => {
    c.w.set(0x6828, c.r.pick([0n, 0n, 0x80n, 0xc00n, 0x0000800000000000n]));
    c.w.set(0x682a, c.r.pick([0n, 0x2000n, 0x2001n, 1n << 32n, 0x0000800000000000n]));
    c.w.set(0x682c, c.r.pick([0n, 0n, 0x0000800000000000n]));
  }],
  ['exit-load-pkrs', 'exit', 29, (c) => c.w.set(0x2c06, c.r.pick([0n, 0x55n, 1n << 32n]))],
  ['entry-load-pkrs', 'entry', 22, (c) => c.w.set(0x2818, c.r.pick([0n, 0x55n, 1n << 40n]))],
];

function injection(c: Ctx): string {
  // Type 7 only where "monitor trap flag" exists: Bochs accepts it elsewhere and then panics delivering it.
  const mtf = (controlMasks(c.msrs).proc.a1 & bit(27)) !== 0n;
  const type = c.r.pick([0, 0, 2, 3, 3, 3, 4, 5, 6, 1, ...(mtf ? [7] : [])]);
  const vector = c.r.pick([0, 1, 2, 3, 6, 8, 13, 14, 17, 18, 21, 31, 32, 0x80, 0xff]);
  const deliver = c.r.chance(0.5);
  const info = bit(31) | (BigInt(type) << 8n) | BigInt(vector) | (deliver ? bit(11) : 0n) | (c.r.chance(0.05) ? bit(12 + c.r.int(19)) : 0n);
  c.w.set(0x4016, info);
  c.w.set(0x4018, c.r.pick([0n, 0n, 0x10n, 0x8000n, 0x10000n]));
  c.w.set(0x401a, BigInt(c.r.pick([0, 1, 2, 15, 16])));
  if (type === 0 && c.r.chance(0.7)) c.w.set(0x6820, c.w.get(0x6820)! | bit(9));
  return `inject type ${type} vector ${vector}${deliver ? ' +error' : ''}`;
}

const MUTATIONS: Array<[number, Mutation]> = [
  [4, (c) => {
    const [name, key, n, fields] = c.r.pick(FEATURES);
    if (!enable(c, key, n)) return undefined;
    fields(c);
    return `enable ${name}`;
  }],
  [2, (c) => {
    const key = c.r.pick(['pin', 'proc', 'proc2', 'exit', 'entry'] as const);
    const m = controlMasks(c.msrs)[key];
    // Secondary controls count only with "activate secondary controls", which the control check then reads.
    if (key === 'proc2' && !enable(c, 'proc', 31)) return undefined;
    const v = c.w.get(m.f) ?? 0n;
    const must1 = m.a0 & v, must0 = ~m.a1 & 0xffffffffn;
    const choice = c.r.int(2);
    const bits = choice ? must0 : must1;
    const list = [...Array(32).keys()].filter((i) => bits & bit(i));
    if (!list.length) return undefined;
    const b = c.r.pick(list);
    c.w.set(m.f, v ^ bit(b));
    return `${key} control bit ${b} ${choice ? 'set' : 'cleared'}`;
  }],
  [2, (c) => (c.mode === '64' || c.mode === '32' ? injection(c) : undefined)],
  [3, (c) => {
    const i = c.r.int(8);
    const f = GUEST_SEG_FIELDS(i);
    const what = c.r.int(5);
    if (what === 0) c.w.set(f.ar, flipBit(c.r, c.w.get(f.ar)!, 17));
    else if (what === 1) c.w.set(f.ar, c.w.get(f.ar)! ^ bit(c.r.pick([0, 1, 2, 3, 4, 5, 6, 7, 13, 14, 16, 8, 20])));
    else if (what === 2) c.w.set(f.sel, c.w.get(f.sel)! ^ BigInt(c.r.pick([1, 2, 3, 4])));
    else if (what === 3) c.w.set(f.base, c.r.pick([linear(c.r), 1n << 32n, (c.w.get(f.sel)! << 4n) + 0x10n]));
    else c.w.set(f.limit, c.r.pick([0xfffffn, 0x100000n, 0xffffffffn, 0xfffefffn, 0xffffn, 0x67n]));
    return `${SEG_NAMES[i]} ${['ar bit', 'ar bit', 'selector', 'base', 'limit'][what]}`;
  }],
  [2, (c) => {
    const f = c.r.pick([0x6800, 0x6804, 0x6802]);
    const v = c.w.get(f)!;
    if (f === 0x6802) c.w.set(f, c.r.pick([1n << BigInt(c.phys), v | 0x18n]));
    else c.w.set(f, v ^ bit(c.r.pick(f === 0x6800 ? [0, 5, 16, 30, 31] : [4, 5, 7, 13, 14, 17, 18, 22, 23, 25])));
    return `guest CR${f === 0x6800 ? 0 : f === 0x6804 ? 4 : 3}`;
  }],
  [2, (c) => {
    const v = c.w.get(0x6820)!;
    c.w.set(0x6820, v ^ bit(c.r.pick([1, 3, 5, 8, 9, 15, 17, 22, 40])));
    return 'rflags bit';
  }],
  [1, (c) => {
    const f = c.r.pick([0x6816, 0x6818, 0x4810, 0x4812]);
    c.w.set(f, f < 0x6000 ? c.r.pick([0x10000n, 0xffffn]) : linear(c.r));
    return 'descriptor table';
  }],
  [1, (c) => {
    if (c.mode === 'real' || c.mode === 'v86') return undefined;
    c.w.set(0x681e, c.r.pick([1n << 32n, 0x0000800000000000n, layout.guestCode | (1n << 40n)]));
    return 'guest RIP';
  }],
  [1, (c) => {
    c.w.set(c.r.pick([0x6824, 0x6826]), linear(c.r));
    return 'guest SYSENTER';
  }],
  [2, (c) => {
    const iv = c.r.pick([1n, 2n, 3n, 4n, 8n, 16n, 32n, 9n]);
    c.w.set(0x4824, iv);
    if (c.r.chance(0.3)) c.w.set(0x6820, c.w.get(0x6820)! | bit(9));
    if (c.r.chance(0.3) && (c.mode === '64' || c.mode === '32')) injection(c);
    return `interruptibility ${iv}`;
  }],
  [1, (c) => {
    const a = BigInt(c.r.pick([1, 2, 3, 4]));
    if (!(c.w.get(0x4000)! & bit(6)) && !enable(c, 'pin', 6)) return undefined; // a halted guest exits on the timer
    c.w.set(0x482e, 0n);
    c.w.set(0x4826, a);
    if (c.r.chance(0.3)) c.w.set(0x4818, c.w.get(0x4818)! | 0x60n);
    return `activity ${a}`;
  }],
  [1, (c) => {
    c.w.set(0x6822, c.r.pick([1n, 0x4000n, 0x1000n, 0x10n, 0x2000n, 0x8000n, 1n << 33n]));
    if (c.r.chance(0.5)) c.w.set(0x4824, c.r.pick([1n, 1n, 2n]));
    if (c.r.chance(0.5)) c.w.set(0x6820, c.w.get(0x6820)! | bit(8));
    return 'pending debug';
  }],
  [1, (c) => {
    c.w.set(0x2800, c.r.pick([0x25001n, 1n << BigInt(c.phys), 0xfffffffffffff000n]));
    return 'link pointer';
  }],
  [1, (c) => {
    // A usable LDTR, valid or not (the guest never loads from it).
    const f = GUEST_SEG_FIELDS(6);
    c.w.set(f.ar, c.r.pick([0x82n, 0x82n, 0x92n, 0x02n, 0x182n, 0x8082n, 0x20082n]));
    c.w.set(f.limit, c.r.pick([0xffffn, 0x67n, 0xfffffn]));
    c.w.set(f.sel, c.r.pick([0x0n, 0x50n, 0x54n]));
    c.w.set(f.base, c.r.pick([0n, 0x22000n, 0x0000800000000000n]));
    return 'usable LDTR';
  }],
  [1, (c) => {
    if (c.mode !== 'pae-ept') return undefined;
    const n = c.r.int(4);
    const v = c.w.get(0x280a + 2 * n)!;
    c.w.set(0x280a + 2 * n, c.r.pick([v | 2n, v | 4n, v | 0x20n, v | 0x100n, v | (1n << BigInt(c.phys)), v & ~1n, (v & ~1n) | 6n]));
    return `PDPTE${n}`;
  }],
  [1, (c) => {
    if (c.mode !== '64' && c.mode !== '32') return undefined;
    c.w.set(0x4016, (1n << 31n) | (2n << 8n) | 2n);
    c.w.set(0x4824, c.r.pick([1n, 2n, 8n, 0n]));
    if (c.r.chance(0.5)) enable(c, 'pin', 3) && c.r.chance(0.7) && enable(c, 'pin', 5);
    c.w.set(0x6820, c.w.get(0x6820)! | bit(9));
    return 'NMI injection';
  }],
  [1, (c) => {
    // "virtualize x2APIC mode" with "virtualize APIC accesses" (each enabled alone by the feature mutation).
    if (!enable(c, 'proc2', 4) || !enable(c, 'proc2', 0)) return undefined;
    c.w.set(0x2014, layout.zeroPages[0]);
    return 'x2APIC mode with APIC accesses';
  }],
  [1, (c) => {
    // "entry to SMM" or "deactivate dual-monitor treatment" outside SMM, where the model's allowed-1 lets them be set;
    // with the guest-state rules that apply to an entry to SMM.
    const n = c.r.pick([10, 10, 11]);
    if (!enable(c, 'entry', n)) return undefined;
    if (c.r.chance(0.5)) c.w.set(0x4826, 3n);
    if (c.r.chance(0.5)) c.w.set(0x4824, c.r.pick([0n, 1n]));
    return `entry control ${n === 10 ? 'entry to SMM' : 'deactivate dual-monitor treatment'}`;
  }],
  [1, (c) => {
    c.w.set(c.r.pick([0x400a]), BigInt(c.r.pick([1, 4, 5, 0x200])));
    return 'cr3-target count';
  }],
  [1, (c) => {
    const which = c.r.pick([[0x400e, 0x2006], [0x4010, 0x2008], [0x4014, 0x200a]] as const);
    c.w.set(which[0], BigInt(c.r.pick([1, 2])));
    // VM-exit lists only at addresses the controls checks reject: a VM exit through a list of zeroed entries aborts VMX.
    const valid = which[0] === 0x4014 ? [layout.msrArea, layout.msrArea] : [];
    c.w.set(which[1], c.r.pick([...valid, layout.msrArea + 8n, which[0] === 0x4014 ? (1n << BigInt(c.phys)) - 16n : 1n << BigInt(c.phys)]));
    if (which[0] === 0x4014 && c.w.get(0x200a) === layout.msrArea) {
      const n = Number(c.w.get(0x4014));
      c.msrLoad = [];
      for (let i = 0; i < n; i++) {
        const [index, value] = c.r.pick([
          [0xc0000102n, 0x1000n], [0xc0000102n, 0x0000800000000000n], [0x277n, 0x0007040600070406n], [0x277n, 0x2n],
          [0xc0000100n, 0n], [0x808n, 0n], [0x174n, 8n], [0xc0000080n, c.mode === '64' ? 0x500n : 0n], [0xc0000080n, c.mode === '64' ? 0x501n | 0x2000n : 0x2000n],
        ] as const);
        const reserved = c.r.chance(0.1) ? 1n : 0n;
        c.msrLoad.push({ index, reserved, value });
        const at = c.w.get(0x200a)! + BigInt(i) * 16n;
        c.memory.push([at, index | (reserved << 32n)], [at + 8n, value]);
      }
    }
    return 'msr list';
  }],
  [1, (c) => {
    // Host state: only values the host checks reject, since a VM exit loads the host state.
    const pick = c.r.int(10);
    if (pick === 0) c.w.set(0x6c00, (c.w.get(0x6c00) ?? 0x80000031n) & ~bit(c.r.pick([0, 5, 31])));
    else if (pick === 1) c.w.set(0x6c04, (c.w.get(0x6c04) ?? 0x2020n) & ~bit(13));
    else if (pick === 2) c.w.set(c.r.pick([0x0c00, 0x0c02, 0x0c04, 0x0c06, 0x0c08, 0x0c0a, 0x0c0c]), c.r.pick([0x13n, 0x14n, 0x1bn]));
    else if (pick === 3) c.w.set(c.r.pick([0x0c02, 0x0c0c]), 0n);
    else if (pick === 4) c.w.set(c.r.pick([0x6c06, 0x6c08, 0x6c0a, 0x6c0c, 0x6c0e, 0x6c10, 0x6c12, 0x6c16]), c.r.pick([0x0000800000000000n, 0x8000000000000000n]));
    else if (pick === 5) c.w.set(0x400c, c.w.get(0x400c)! & ~bit(9));
    else if (pick === 6) c.w.set(0x6c02, 1n << BigInt(c.phys));
    else if (pick === 7) c.w.set(0x6c04, (c.w.get(0x6c04) ?? 0x2020n) & ~bit(5));
    else if (pick === 8) {
      c.w.set(0x400c, c.w.get(0x400c)! & ~bit(9));
      c.w.set(0x0c04, 0n);
    } else {
      // CR4.CET with CR0.WP 0, where CR4_FIXED1 allows CET (the host check fails, so the VM exit never loads it).
      if (!((c.msrs.get(0x489) ?? 0n) & bit(23))) return undefined;
      c.w.set(0x6c04, (c.w.get(0x6c04) ?? 0x2020n) | bit(23));
      c.w.set(0x6c00, (c.w.get(0x6c00) ?? 0x80000031n) & ~bit(16));
    }
    return `host state ${pick}`;
  }],
];
const TOTAL = MUTATIONS.reduce((n, [w]) => n + w, 0);

function mutate(c: Ctx): string | undefined {
  let x = c.r.int(TOTAL);
  for (const [w, m] of MUTATIONS) {
    if (x < w) return m(c);
    x -= w;
  }
  return undefined;
}

/** `count` cases: every baseline once, then baselines with 1-3 mutations each. */
export function generate(msrs: Msrs, physicalBits: number, count: number, seed: number): GeneratedCase[] {
  const r = rng(seed);
  const bases = baselines(msrs);
  const cases: GeneratedCase[] = [...bases].map(([mode, w]) => ({ mode, mutations: [], writes: [...w] }));
  while (cases.length < count) {
    const mode = r.pick([...bases.keys()]);
    const c: Ctx = { r, msrs, phys: physicalBits, w: new Map(bases.get(mode)), mode, memory: [] };
    const mutations: string[] = [];
    const n = 1 + r.int(r.chance(0.6) ? 1 : 3);
    for (let i = 0; i < n; i++) {
      const m = mutate(c);
      if (m) mutations.push(m);
    }
    if (!mutations.length) continue;
    cases.push({ mode, mutations, writes: [...c.w], memory: c.memory.length ? c.memory : undefined, msrLoad: c.msrLoad });
  }
  return cases;
}

// The harness's memory map (guest.asm builds all of it at boot; keep both in step) and the host state it writes
// before each case, so that generated cases can point guest state and VMCS pointers at memory that really holds
// what they need. All addresses are guest-physical and identity-mapped by the harness.

export const layout = {
  /** Harness-owned: cases must not write memory here (the driver rejects it). */
  hostPml4: 0x1000n,
  hostGdt: 0x5000n,
  hostTss: 0x5800n,
  hostIdt: 0x6000n,
  vmxonRegion: 0x7000n,
  /** The case's VMCS; a case may patch it through memory writes (applied after VMPTRLD). */
  vmcsRegion: 0x8000n,
  hostStackTop: 0x10000n,
  /** HOST_RIP: the first byte of the harness image. */
  exitHandler: 0x10000n,

  /** CPUID (unconditional VM exit, reason 10), then HLT. Valid in every mode. */
  guestCode: 0x20000n,
  /** `jmp $`: a guest that never exits by itself. */
  guestSpin: 0x20010n,
  /** HLT loop. */
  guestHlt: 0x20020n,
  guestStackTop: 0x22000n,

  guestGdt: 0x22000n,
  guestGdtLimit: 0x47n,
  guestIdt: 0x23000n, // 256 64-bit interrupt gates to guestCode, selector 0x08
  guestIdtLimit: 0xfffn,
  guestTss: 0x24000n,

  /** Four zeroed 4 KiB pages: I/O bitmaps, MSR bitmap, VMCS link, virtual-APIC page, APIC-access page... */
  zeroPages: [0x25000n, 0x26000n, 0x27000n, 0x28000n] as const,
  /** Zeroed scratch for MSR-load/store lists, 0x29000..0x2ffff. */
  msrArea: 0x29000n,
  msrAreaSize: 0x7000n,

  /** 4-level paging: PML4 -> PDPT -> 4 PDs of 2 MiB pages, identity over 4 GiB. */
  guestCr3Long: 0x30000n,
  /** PAE paging: 4 PDPTEs (only P set) -> the same 4 PDs. */
  guestCr3Pae: 0x32000n,
  /** 32-bit paging with 4 MiB pages: needs CR4.PSE = 1. Identity over 4 GiB. */
  guestCr3Pse: 0x33000n,

  /** EPT: PML4 -> PDPT -> 4 PDs of 2 MiB RWX WB pages, identity over 4 GiB. */
  eptPml4: 0x38000n,
  /** PML4 | (4 levels - 1) << 3 | WB (6); no accessed/dirty flags. */
  eptp: 0x3801en,

  /** Guest RAM Bochs is given; memory writes must stay below it. */
  memoryTop: 0x2000000n,
  /** The case table: the start of the 2 MiB system ROM, below the harness's own 64 KiB. */
  caseTable: 0xffe00000n,
  caseTableMax: 0x1f0000,
  /** Memory writes of one case are restored afterwards; the harness saves at most this many. */
  maxMemoryWrites: 0x4000,
} as const;

/** Selectors of the guest GDT, with the VMCS access-rights value that matches each descriptor. */
export const guestSelectors = {
  code64: { selector: 0x08, ar: 0xa09b },
  code32: { selector: 0x10, ar: 0xc09b },
  data: { selector: 0x18, ar: 0xc093 },
  code16: { selector: 0x20, ar: 0x009b },
  data16: { selector: 0x28, ar: 0x0093 },
  /** 16-byte 64-bit TSS descriptor, busy, base guestTss, limit 0x67. */
  tss64: { selector: 0x30, ar: 0x008b },
  /** 32-bit TSS descriptor, busy, same TSS. */
  tss32: { selector: 0x40, ar: 0x008b },
} as const;

/** Harness-owned ranges [start, end): writes there would corrupt the harness itself. */
export const reservedRanges: ReadonlyArray<readonly [bigint, bigint]> = [
  [0x0000n, 0x8000n], // page tables, GDT, TSS, IDT, VMXON region
  [0x9000n, 0x20000n], // stack and image
  [0x80000n, 0x100000n], // save area, VGA hole and ROM
];

const HOST_CR0 = 0x80000031n; // PG NE ET PE
const HOST_CR4 = 0x2020n; // VMXE PAE
const HOST_EFER = 0x500n; // LMA LME
const HOST_PAT = 0x0007040600070406n; // the reset value

const msr = (msrs: ReadonlyMap<number, bigint | null> | undefined, index: number) => msrs?.get(index) ?? undefined;

/**
 * Exactly the host fields the harness writes before each case. CR0/CR4 follow the VMX fixed MSRs the harness
 * applied, and HOST_IA32_PAT / HOST_IA32_EFER are written only where the exit controls allow loading them, so
 * pass the MSRs the run reported; without them the values assume a model whose fixed bits change nothing.
 */
export function hostState(msrs?: ReadonlyMap<number, bigint | null>): Map<number, bigint> {
  const f0cr0 = msr(msrs, 0x486) ?? 0n, f1cr0 = msr(msrs, 0x487) ?? ~0n;
  const f0cr4 = msr(msrs, 0x488) ?? 0n, f1cr4 = msr(msrs, 0x489) ?? ~0n;
  const m = new Map<number, bigint>([
    [0x6c00, (HOST_CR0 | f0cr0) & f1cr0],
    [0x6c02, layout.hostPml4],
    [0x6c04, (HOST_CR4 | f0cr4) & f1cr4],
    [0x0c00, 0x10n], // ES
    [0x0c02, 0x08n], // CS
    [0x0c04, 0x10n], // SS
    [0x0c06, 0x10n], // DS
    [0x0c08, 0x10n], // FS
    [0x0c0a, 0x10n], // GS
    [0x0c0c, 0x18n], // TR
    [0x6c06, 0n], // FS base
    [0x6c08, 0n], // GS base
    [0x6c0a, layout.hostTss],
    [0x6c0c, layout.hostGdt],
    [0x6c0e, layout.hostIdt],
    [0x4c00, 0n], // SYSENTER_CS
    [0x6c10, 0n], // SYSENTER_ESP
    [0x6c12, 0n], // SYSENTER_EIP
    [0x6c14, layout.hostStackTop],
    [0x6c16, layout.exitHandler],
  ]);
  const exit1 = (msr(msrs, 0x483) ?? 0n) >> 32n;
  if (exit1 & (1n << 19n)) m.set(0x2c00, HOST_PAT);
  if (exit1 & (1n << 21n)) m.set(0x2c02, HOST_EFER);
  return m;
}

/** allowed-0 settings of a control MSR pair, preferring the TRUE MSR when IA32_VMX_BASIC bit 55 says it exists. */
export function controlDefaults(msrs: ReadonlyMap<number, bigint | null>, plain: number, trueMsr: number): bigint {
  const basic = msrs.get(0x480) ?? 0n;
  const value = ((basic >> 55n) & 1n ? msrs.get(trueMsr) : undefined) ?? msrs.get(plain);
  if (value == null) throw new Error(`MSR 0x${plain.toString(16)} missing`);
  return value & 0xffffffffn;
}

/**
 * A VM entry that should succeed: a 64-bit guest at guestCode (CPUID exits with reason 10), every control at its
 * allowed-0 setting plus "host address-space size" and "IA-32e mode guest", all exceptions intercepted.
 */
export function guest64Writes(msrs: ReadonlyMap<number, bigint | null>): Array<[number, bigint]> {
  const fixed = (v: bigint, f0: number, f1: number) => (v | (msrs.get(f0) ?? 0n)) & (msrs.get(f1) ?? ~0n);
  const s = guestSelectors;
  const seg = (i: number, sel: number, ar: number, base = 0n, limit = 0xffffffffn): Array<[number, bigint]> => [
    [0x0800 + 2 * i, BigInt(sel)],
    [0x4800 + 2 * i, limit],
    [0x4814 + 2 * i, BigInt(ar)],
    [0x6806 + 2 * i, base],
  ];
  return [
    [0x4000, controlDefaults(msrs, 0x481, 0x48d)],
    [0x4002, controlDefaults(msrs, 0x482, 0x48e)],
    [0x400c, controlDefaults(msrs, 0x483, 0x48f) | (1n << 9n)],
    [0x4012, controlDefaults(msrs, 0x484, 0x490) | (1n << 9n)],
    [0x4004, 0xffffffffn], // exception bitmap
    [0x2800, 0xffffffffffffffffn], // VMCS link pointer
    [0x6800, fixed(0x80000031n, 0x486, 0x487)],
    [0x6802, layout.guestCr3Long],
    [0x6804, fixed(0x2020n, 0x488, 0x489)],
    [0x681a, 0x400n], // DR7
    [0x681c, layout.guestStackTop],
    [0x681e, layout.guestCode],
    [0x6820, 0x2n],
    ...seg(0, s.data.selector, s.data.ar), // ES
    ...seg(1, s.code64.selector, s.code64.ar), // CS
    ...seg(2, s.data.selector, s.data.ar), // SS
    ...seg(3, s.data.selector, s.data.ar), // DS
    ...seg(4, s.data.selector, s.data.ar), // FS
    ...seg(5, s.data.selector, s.data.ar), // GS
    ...seg(6, 0, 0x10000, 0n, 0n), // LDTR unusable
    ...seg(7, s.tss64.selector, s.tss64.ar, layout.guestTss, 0x67n), // TR
    [0x6816, layout.guestGdt],
    [0x4810, layout.guestGdtLimit],
    [0x6818, layout.guestIdt],
    [0x4812, layout.guestIdtLimit],
    [0x2802, 0n], // IA32_DEBUGCTL
    [0x482a, 0n], // SYSENTER_CS
    [0x6824, 0n], // SYSENTER_ESP
    [0x6826, 0n], // SYSENTER_EIP
    [0x4824, 0n], // interruptibility
    [0x4826, 0n], // activity state: active
    [0x6822, 0n], // pending debug exceptions
  ];
}

// What a VM-entry rule sees: the state's field values, the CPU's capabilities and address widths. A rule that reads
// an absent field or capability stops with Missing / Unknown, and the engine reports it as not-checked.
import type { Masks } from '../caps/masks';
import { hex } from '../catalogue/hex';
import { F, segmentFields, type SegmentName } from './fields';

export class Missing {
  constructor(readonly field: number) {}
}
export class Unknown {
  constructor(readonly reason: string) {}
}

/** The capability side of a check: masks of control and CR fields, and capability MSRs. */
export interface EntryCaps {
  masks(field: number): Masks | null;
  msr(index: number): bigint | undefined;
  /** Why a field's masks are what they are, or unknown ("unknown: the source has no … (0x492)"). */
  basis?(field: number): string | undefined;
}

/** Facts about the CPU no capability MSR reports (CPUID leaf 80000008H); unknown when absent. */
export interface CpuFacts {
  physicalAddressBits?: number;
  linearAddressBits?: number;
}

/** Every VMX-capable CPU has at least 36 physical-address bits; none has more than 52. */
const MIN_PHYSICAL = 36;
const MAX_PHYSICAL = 52;

/** A guest segment register, each part read only when a rule asks for it. */
export class Segment {
  constructor(private readonly ctx: Ctx, readonly name: SegmentName) {}
  private get f() {
    return segmentFields(this.name);
  }
  get selector() { return this.ctx.v(this.f.selector); }
  get base() { return this.ctx.v(this.f.base); }
  get limit() { return this.ctx.v(this.f.limit); }
  get ar() { return this.ctx.v(this.f.ar); }
  get type() { return Number(this.ar & 0xfn); }
  get s() { return bitOf(this.ar, 4); }
  get dpl() { return Number((this.ar >> 5n) & 3n); }
  get p() { return bitOf(this.ar, 7); }
  get l() { return bitOf(this.ar, 13); }
  get db() { return bitOf(this.ar, 14); }
  get g() { return bitOf(this.ar, 15); }
  get usable() { return !bitOf(this.ar, 16); }
  get rpl() { return Number(this.selector & 3n); }
  get ti() { return bitOf(this.selector, 2); }
}

const bitOf = (v: bigint, n: number) => ((v >> BigInt(n)) & 1n) === 1n;

/** One entry of the VM-entry MSR-load list: MSR index, bits 63:32 of the first quadword, the value. */
export interface MsrEntry {
  index: bigint;
  reserved: bigint;
  value: bigint;
}

export class Ctx {
  /** 1-based index of the MSR-load entry that failed (the exit qualification of exit reason 34). */
  failedEntry?: number;

  constructor(
    private readonly values: ReadonlyMap<number, bigint>,
    readonly caps: EntryCaps,
    readonly cpu: CpuFacts,
    readonly msrLoad?: readonly MsrEntry[],
  ) {}

  has(field: number): boolean {
    return this.values.has(field);
  }
  v(field: number): bigint {
    const value = this.values.get(field);
    if (value === undefined) throw new Missing(field);
    return value;
  }
  bit(field: number, n: number): boolean {
    return bitOf(this.v(field), n);
  }

  pin = (n: number) => this.bit(F.PIN, n);
  proc = (n: number) => this.bit(F.PROC, n);
  /** Secondary controls count as 0 when "activate secondary controls" is 0 (SDM 25.6.2). */
  proc2 = (n: number) => this.proc(31) && this.bit(F.PROC2, n);
  proc3 = (n: number) => this.proc(17) && this.bit(F.PROC3, n);
  exit = (n: number) => this.bit(F.EXIT, n);
  exit2 = (n: number) => this.exit(31) && this.bit(F.EXIT2, n);
  entry = (n: number) => this.bit(F.ENTRY, n);

  ia32e = () => this.entry(9);
  unrestricted = () => this.proc2(7);
  v86 = () => this.bit(F.RFLAGS, 17);
  pe = () => this.bit(F.GUEST_CR0, 0);

  masks(field: number, what: string): Masks {
    const m = this.caps.masks(field);
    if (!m) {
      const why = this.caps.basis?.(field);
      throw new Unknown(`the source does not give the masks of the ${what}${why?.startsWith('unknown: ') ? ` (${why.slice(9)})` : ''}`);
    }
    return m;
  }
  msr(index: number, name: string): bigint {
    const value = this.caps.msr(index);
    if (value === undefined) throw new Unknown(`the source lacks ${name} (MSR ${hex(BigInt(index))})`);
    return value;
  }

  /** The physical-address width that bounds VMCS addresses (32 when IA32_VMX_BASIC bit 48 is 1). */
  private physicalBits(): number | undefined {
    const basic = this.caps.msr(0x480);
    if (basic !== undefined && bitOf(basic, 48)) return 32;
    return this.cpu.physicalAddressBits;
  }

  /** Undefined when the address fits the physical-address width; else what is wrong. */
  beyondWidth(address: bigint): string | undefined {
    const bits = this.physicalBits();
    if (bits !== undefined) return address >> BigInt(bits) ? `sets bits beyond the physical-address width (${bits} bits)` : undefined;
    if (address >> BigInt(MAX_PHYSICAL)) return `sets bits above bit ${MAX_PHYSICAL - 1}, beyond every CPU's physical-address width`;
    if (address >> BigInt(MIN_PHYSICAL)) throw new Unknown(`the CPU's physical-address width is unknown and ${hex(address)} needs more than ${MIN_PHYSICAL} bits`);
    return undefined;
  }

  /** Undefined when the linear address is canonical for this CPU's linear-address width. */
  nonCanonical(address: bigint): string | undefined {
    const sign = (bits: number) => {
      const top = address >> BigInt(bits - 1);
      return top === 0n || top === (1n << BigInt(65 - bits)) - 1n;
    };
    const width = this.cpu.linearAddressBits;
    if (width !== undefined) return sign(width) ? undefined : `is not canonical (${width}-bit linear addresses)`;
    if (sign(48)) return undefined;
    if (!sign(57)) return 'is not canonical';
    throw new Unknown(`${hex(address)} is canonical only on a CPU with 57-bit linear addresses, and the width is unknown`);
  }

  seg(name: SegmentName): Segment {
    return new Segment(this, name);
  }
}

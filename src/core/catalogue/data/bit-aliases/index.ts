// Control-bit names of naming schemes kept in their own tables (sources inside each file). Older schemes keep their
// names inline in control-bits.json.
import ia32doc from './ia32-doc.json';
import rustX86 from './rust-x86.json';
import acrn from './acrn.json';
import haxm from './haxm.json';
import simplevisor from './simplevisor.json';
import bfvmm from './bfvmm.json';
import virtualbox from './virtualbox.json';
import linux from './linux.json';
import xen from './xen.json';
import qemu from './qemu.json';
import apple from './apple.json';
import bhyve from './bhyve.json';
import ksm from './ksm.json';
import xvisor from './xvisor.json';
import rustyvisor from './rustyvisor.json';
import kvmUnitTests from './kvm-unit-tests.json';

export interface BitAliasTable {
  scheme: string;
  languages: string[];
  sources: string[];
  /** How each listed name is written: `{}` stands for it (`{}_FLAG`); absent means as listed. */
  forms?: string[];
  /** Name suffixes whose value is not the bit's mask. */
  values?: { suffix: string; value: string }[];
  /** "control:bit" -> names. */
  bits: Record<string, string[]>;
}

export const BIT_ALIAS_TABLES: readonly BitAliasTable[] = [apple, linux, xen, bhyve, qemu, virtualbox, acrn, haxm, ia32doc, rustX86, simplevisor, bfvmm, ksm, xvisor, rustyvisor, kvmUnitTests];

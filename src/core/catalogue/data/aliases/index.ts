// Field names per naming scheme, as facts read from each project's public headers (sources inside each file).
import apple from './apple.json';
import linux from './linux.json';
import xen from './xen.json';
import bhyve from './bhyve.json';
import qemu from './qemu.json';
import virtualbox from './virtualbox.json';
import acrn from './acrn.json';
import rustX86 from './rust-x86.json';
import haxm from './haxm.json';
import ia32doc from './ia32-doc.json';
import hyperplatform from './hyperplatform.json';
import hvpp from './hvpp.json';
import arceos from './arceos.json';
import vmcs12 from './vmcs12.json';
import hvppC from './hvpp-c.json';
import bareflank from './bareflank.json';
import bfvmm from './bfvmm.json';
import simplevisor from './simplevisor.json';
import rvm15 from './rvm15.json';
import noirvisor from './noirvisor.json';
import ksm from './ksm.json';
import rustyvisor from './rustyvisor.json';
import kvmUnitTests from './kvm-unit-tests.json';
import kvmUnitTestsShort from './kvm-unit-tests-short.json';

export interface AliasTable {
  scheme: string;
  title: string;
  /** Language ids or groups (languages.json) whose source uses these names. */
  languages: string[];
  /**
   * Where a name without `::` counts: anywhere (default); only as an accessor's field argument or a path segment
   * (`argument`: bare `RFLAGS` is a type in other code); only as a struct member after `->` or `.` (`member`).
   */
  unqualified?: string;
  /** For member names: the objects whose members they are (`vmcs12`, `get_vmcs12` in `get_vmcs12(vcpu)->`). */
  memberOf?: string[];
  /** How each listed name is written: `{}` stands for it (`vmcs_t::field::{}`); absent means as listed. */
  forms?: string[];
  /** What `{prefix}` stands for in a form, by the field's type and width ("guest:natural": "VmcsGuestNW::"). */
  prefix?: Record<string, string>;
  sources: string[];
  fields: Record<string, string[]>;
}

/** In the order hovers and lookups list them. */
export const ALIAS_TABLES: readonly AliasTable[] = [apple, linux, xen, bhyve, qemu, virtualbox, acrn, rustX86, haxm, ia32doc, hyperplatform, hvpp, hvppC, bareflank, bfvmm, simplevisor, noirvisor, ksm, arceos, rvm15, rustyvisor, kvmUnitTests, kvmUnitTestsShort, vmcs12];

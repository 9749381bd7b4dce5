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

export interface AliasTable {
  scheme: string;
  title: string;
  sources: string[];
  fields: Record<string, string[]>;
}

/** In the order hovers and lookups list them. */
export const ALIAS_TABLES: readonly AliasTable[] = [apple, linux, xen, bhyve, qemu, virtualbox, acrn, rustX86, haxm];

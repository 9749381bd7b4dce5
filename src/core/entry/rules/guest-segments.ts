// Checks on guest segment registers (SDM Vol. 3C 27.3.1.2), one record per register and property: selectors,
// bases, limits and access rights, by mode (virtual-8086, real mode under "unrestricted guest", protected, IA-32e).
import { canonical, h, type Rule } from '../rule';
import type { Ctx, Segment } from '../ctx';
import { segmentFields, type SegmentName } from '../fields';

const SEGS = '27.3.1.2';

const USER = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const;

const rule = (id: string, fields: number[], text: string, test: Rule['test'], when?: Rule['when'], hint?: string): Rule => ({ id, section: SEGS, class: 'guest', fields, text, test, when, hint });
const protectedChecks = (c: Ctx) => !c.v86();
/** The register's checks apply: not virtual-8086, and usable unless it is CS (which the SDM always checks). */
const applies = (name: SegmentName) => (c: Ctx) => !c.v86() && (name === 'CS' || c.seg(name).usable);
const arOf = (s: Segment) => `${s.name} access rights ${h(s.ar)}`;

/** G must be 0 if any of limit bits 11:0 is 0, and 1 if any of limit bits 31:20 is 1. */
function granularity(s: Segment): string | undefined {
  if (s.g && (s.limit & 0xfffn) !== 0xfffn) return `${s.name} limit ${h(s.limit)} has bits 11:0 not all 1, so G must be 0, but ${arOf(s)} sets G`;
  if (!s.g && s.limit >> 20n) return `${s.name} limit ${h(s.limit)} is above 0xfffff, so G must be 1, but ${arOf(s)} clears G`;
  return undefined;
}

function commonAr(name: SegmentName, when: (c: Ctx) => boolean, system: boolean): Rule[] {
  const f = segmentFields(name);
  const id = `guest.${name.toLowerCase()}`;
  return [
    rule(`${id}.s`, [f.ar], `${name}: S (bit 4) is ${system ? 0 : 1}`, (c) => (c.seg(name).s === system ? `${arOf(c.seg(name))} has S ${+!system} (expected ${system ? 'a system' : 'a code or data'} segment)` : undefined), when),
    rule(`${id}.p`, [f.ar], `${name}: P (bit 7) is 1`, (c) => (c.seg(name).p ? undefined : `${arOf(c.seg(name))} is not present (P 0)`), when),
    rule(`${id}.reserved`, [f.ar], `${name}: access-rights bits 11:8 and 31:17 are 0`, (c) => (c.seg(name).ar & 0xfffe0f00n ? `${arOf(c.seg(name))} sets reserved bits ${c.seg(name).ar & 0xf00n ? '11:8' : '31:17'}` : undefined), when),
    rule(`${id}.g`, [f.ar, f.limit], `${name}: G (bit 15) agrees with the limit`, (c) => granularity(c.seg(name)), when),
  ];
}

function v86(name: (typeof USER)[number]): Rule[] {
  const f = segmentFields(name);
  const id = `guest.${name.toLowerCase()}.v86`;
  const when = (c: Ctx) => c.v86();
  return [
    rule(`${id}.base`, [f.base, f.selector], `Virtual-8086 mode: the ${name} base is the selector shifted left 4 bits`,
      (c) => (c.seg(name).base === c.seg(name).selector << 4n ? undefined : `${name} base ${h(c.seg(name).base)} is not selector ${h(c.seg(name).selector)} << 4 (${h(c.seg(name).selector << 4n)})`), when),
    rule(`${id}.limit`, [f.limit], `Virtual-8086 mode: the ${name} limit is 0000FFFFH`, (c) => (c.seg(name).limit === 0xffffn ? undefined : `${name} limit ${h(c.seg(name).limit)} is not 0xffff`), when),
    rule(`${id}.ar`, [f.ar], `Virtual-8086 mode: the ${name} access rights are 000000F3H`, (c) => (c.seg(name).ar === 0xf3n ? undefined : `${arOf(c.seg(name))} is not 0xf3`), when),
  ];
}

const cs = segmentFields('CS');
const ss = segmentFields('SS');
const tr = segmentFields('TR');
const ldtr = segmentFields('LDTR');
const ldtrUsable = (c: Ctx) => c.seg('LDTR').usable;

export const GUEST_SEGMENT_RULES: readonly Rule[] = [
  rule('guest.tr.selector.ti', [tr.selector], 'TR: TI (bit 2) of the selector is 0', (c) => (c.seg('TR').ti ? `TR selector ${h(c.seg('TR').selector)} has TI 1` : undefined)),
  rule('guest.ldtr.selector.ti', [ldtr.selector], 'LDTR (if usable): TI (bit 2) of the selector is 0', (c) => (c.seg('LDTR').ti ? `LDTR selector ${h(c.seg('LDTR').selector)} has TI 1` : undefined), ldtrUsable),
  rule('guest.ss.selector.rpl', [ss.selector, cs.selector], 'Outside virtual-8086 mode with "unrestricted guest" 0, SS.RPL equals CS.RPL',
    (c) => (c.seg('SS').rpl === c.seg('CS').rpl ? undefined : `SS selector ${h(c.seg('SS').selector)} has RPL ${c.seg('SS').rpl} but CS selector ${h(c.seg('CS').selector)} has RPL ${c.seg('CS').rpl}`),
    (c) => !c.v86() && !c.unrestricted()),

  ...USER.flatMap(v86),

  rule('guest.tr.base.canonical', [tr.base], 'The TR base is canonical', (c) => canonical(c, tr.base, 'TR base')),
  rule('guest.fs.base.canonical', [segmentFields('FS').base], 'The FS base is canonical', (c) => canonical(c, segmentFields('FS').base, 'FS base')),
  rule('guest.gs.base.canonical', [segmentFields('GS').base], 'The GS base is canonical', (c) => canonical(c, segmentFields('GS').base, 'GS base')),
  rule('guest.ldtr.base.canonical', [ldtr.base], 'LDTR (if usable): the base is canonical', (c) => canonical(c, ldtr.base, 'LDTR base'), ldtrUsable),
  ...(['CS', 'SS', 'DS', 'ES'] as const).map((name) =>
    rule(`guest.${name.toLowerCase()}.base.high`, [segmentFields(name).base], `${name}${name === 'CS' ? '' : ' (if usable)'}: bits 63:32 of the base are 0`,
      (c) => (c.seg(name).base >> 32n ? `${name} base ${h(c.seg(name).base)} sets bits 63:32` : undefined), name === 'CS' ? undefined : (c) => c.seg(name).usable)),

  rule('guest.cs.type', [cs.ar], 'CS: the type is 9, 11, 13 or 15 (accessed code), or 3 (accessed read/write data) with "unrestricted guest"',
    (c) => {
      const t = c.seg('CS').type;
      if ([9, 11, 13, 15].includes(t) || (t === 3 && c.unrestricted())) return undefined;
      return `${arOf(c.seg('CS'))} has type ${t} (expected 9, 11, 13 or 15${c.unrestricted() ? ', or 3' : ''})`;
    }, protectedChecks, 'a code segment needs the accessed bit: type 11 (0xb) for execute/read'),
  rule('guest.ss.type', [ss.ar], 'SS (if usable): the type is 3 or 7 (accessed read/write data)',
    (c) => ([3, 7].includes(c.seg('SS').type) ? undefined : `${arOf(c.seg('SS'))} has type ${c.seg('SS').type} (expected 3 or 7)`), applies('SS')),
  ...(['DS', 'ES', 'FS', 'GS'] as const).map((name) =>
    rule(`guest.${name.toLowerCase()}.type`, [segmentFields(name).ar], `${name} (if usable): the accessed bit (type bit 0) is 1, and a code segment is readable`,
      (c) => {
        const t = c.seg(name).type;
        if (!(t & 1)) return `${arOf(c.seg(name))} has type ${t}, which is not accessed (type bit 0 must be 1)`;
        if (t & 8 && !(t & 2)) return `${arOf(c.seg(name))} has type ${t}, an execute-only code segment (it must be readable)`;
        return undefined;
      }, applies(name))),

  ...USER.flatMap((name) => commonAr(name, applies(name), false)),

  rule('guest.cs.dpl', [cs.ar, ss.ar], 'CS: DPL is 0 for type 3, equals SS.DPL for non-conforming code (9, 11), is not above SS.DPL for conforming code (13, 15)',
    (c) => {
      const t = c.seg('CS').type, d = c.seg('CS').dpl, s = c.seg('SS').dpl;
      if (t === 3 && d !== 0) return `CS has type 3 but DPL ${d} (expected 0)`;
      if ((t === 9 || t === 11) && d !== s) return `non-conforming CS has DPL ${d} but SS.DPL is ${s} (expected equal)`;
      if ((t === 13 || t === 15) && d > s) return `conforming CS has DPL ${d}, above SS.DPL ${s}`;
      return undefined;
    }, protectedChecks),
  rule('guest.ss.dpl', [ss.ar, ss.selector], 'SS: with "unrestricted guest" 0, DPL equals the selector\'s RPL; DPL is 0 if CS has type 3 or CR0.PE is 0',
    (c) => {
      const s = c.seg('SS');
      if (!c.unrestricted() && s.dpl !== s.rpl) return `SS has DPL ${s.dpl} but its selector ${h(s.selector)} has RPL ${s.rpl} (expected equal)`;
      if (s.dpl !== 0 && (!c.pe() || c.seg('CS').type === 3)) return `SS has DPL ${s.dpl} ${!c.pe() ? 'with CR0.PE 0' : 'with a CS of type 3'} (expected 0)`;
      return undefined;
    }, protectedChecks),
  ...(['DS', 'ES', 'FS', 'GS'] as const).map((name) =>
    rule(`guest.${name.toLowerCase()}.dpl`, [segmentFields(name).ar, segmentFields(name).selector], `${name} (if usable, with "unrestricted guest" 0, type 0-11): DPL is not below the selector's RPL`,
      (c) => (c.seg(name).dpl < c.seg(name).rpl ? `${name} has DPL ${c.seg(name).dpl} below its selector's RPL ${c.seg(name).rpl}` : undefined),
      (c) => applies(name)(c) && !c.unrestricted() && c.seg(name).type <= 11)),
  rule('guest.cs.db', [cs.ar], 'CS: with "IA-32e mode guest" 1 and L (bit 13) 1, D/B (bit 14) is 0',
    (c) => (c.seg('CS').db ? `${arOf(c.seg('CS'))} sets both L and D/B` : undefined), (c) => !c.v86() && c.ia32e() && c.seg('CS').l),

  rule('guest.tr.type', [tr.ar], 'TR: the type is 11 (busy 32/64-bit TSS), or 3 (busy 16-bit TSS) outside IA-32e mode',
    (c) => {
      const t = c.seg('TR').type;
      return t === 11 || (t === 3 && !c.ia32e()) ? undefined : `${arOf(c.seg('TR'))} has type ${t} (expected 11${c.ia32e() ? '' : ' or 3'})`;
    }, undefined, 'a loaded TSS is busy: type 11 (0x8b with P)'),
  ...commonAr('TR', () => true, true),
  rule('guest.tr.usable', [tr.ar], 'TR: the unusable bit (bit 16) is 0', (c) => (c.seg('TR').usable ? undefined : `${arOf(c.seg('TR'))} marks TR unusable`)),
  rule('guest.ldtr.type', [ldtr.ar], 'LDTR (if usable): the type is 2 (LDT)', (c) => (c.seg('LDTR').type === 2 ? undefined : `${arOf(c.seg('LDTR'))} has type ${c.seg('LDTR').type} (expected 2)`), ldtrUsable),
  ...commonAr('LDTR', ldtrUsable, true),
];



// Checks on VMX controls (SDM Vol. 3C 27.2.1): a failure makes VMLAUNCH/VMRESUME fail with VM-instruction error 7.
import { h, pageAddress, bitsText, type Rule } from '../rule';
import { Unknown, type Ctx } from '../ctx';
import { ENTRY, EXIT, F, PIN, PROC, PROC2, PROC3 } from '../fields';

const EXEC = '27.2.1.1';
const EXITS = '27.2.1.2';
const ENTRIES = '27.2.1.3';
const MISC = 0x485;
const EPT_VPID = 0x48c;
const VMFUNC = 0x491;

/** A control field within its allowed-0 / allowed-1 masks. */
function allowed(id: string, section: string, field: number, what: string, when?: (c: Ctx) => boolean): Rule {
  return {
    id, section, class: 'control', fields: [field], when,
    text: `The ${what} are within the allowed-0 and allowed-1 settings of the capability MSR`,
    test: (c) => {
      const v = c.v(field);
      const m = c.masks(field, what);
      const missing = m.allowed0 & ~v;
      const extra = v & ~m.allowed1;
      const parts = [missing && `clears ${bitsText(missing)}, which must be 1`, extra && `sets ${bitsText(extra)}, which must be 0`].filter(Boolean);
      return parts.length ? `${what} ${h(v)} ${parts.join(' and ')} on this CPU (adjusted: ${h((v | m.allowed0) & m.allowed1)})` : undefined;
    },
    hint: `use (value | allowed0) & allowed1 from the capability MSR`,
  };
}

/** A combination of controls the SDM forbids. */
function forbid(id: string, section: string, fields: number[], text: string, bad: (c: Ctx) => boolean, why: string, hint?: string): Rule {
  return { id, section, class: 'control', fields, text, test: (c) => (bad(c) ? why : undefined), hint };
}

/** "If <gate> is 1, <other> must be <want>": two controls that go together. */
function requires(id: string, section: string, fields: number[], gate: (c: Ctx) => boolean, gateName: string, need: (c: Ctx) => boolean, needName: string, want = true): Rule {
  return {
    ...forbid(id, section, fields, `If ${gateName} is 1, ${needName} must be ${want ? 1 : 0}`, (c) => need(c) !== want, `${gateName} is 1 but ${needName} is ${want ? 0 : 1}`, want ? `set ${needName}, or clear ${gateName}` : `clear ${needName}, or clear ${gateName}`),
    when: gate,
  };
}

/** A page-aligned physical address used when a control is 1. */
function page(id: string, section: string, field: number, what: string, gate: (c: Ctx) => boolean, gateName: string): Rule {
  return {
    id, section, class: 'control', fields: [field], when: gate,
    text: `If ${gateName} is 1, the ${what} is 4-KByte aligned and within the physical-address width`,
    test: (c) => pageAddress(c, field, what),
  };
}

/** A VM-exit/VM-entry MSR list: 16-byte aligned, first and last byte within the physical-address width. */
function msrList(id: string, section: string, count: number, address: number, what: string): Rule {
  return {
    id, section, class: 'control', fields: [count, address], when: (c) => c.v(count) !== 0n,
    text: `If the ${what} count is not 0, the ${what} address is 16-byte aligned and the whole list is within the physical-address width`,
    test: (c) => {
      const a = c.v(address);
      if (a & 0xfn) return `${what} address ${h(a)} is not 16-byte aligned (bits 3:0 must be 0)`;
      const last = a + c.v(count) * 16n - 1n;
      const wide = c.beyondWidth(a) ?? c.beyondWidth(last);
      return wide ? `${what} list ${h(a)}…${h(last)} ${wide}` : undefined;
    },
  };
}

const pin = (n: number) => (c: Ctx) => c.pin(n);
const proc = (n: number) => (c: Ctx) => c.proc(n);
const proc2 = (n: number) => (c: Ctx) => c.proc2(n);
const proc3 = (n: number) => (c: Ctx) => c.proc3(n);
const exit = (n: number) => (c: Ctx) => c.exit(n);
const entry = (n: number) => (c: Ctx) => c.entry(n);
const ept = proc2(PROC2.EPT);

/** Interruption types of the VM-entry interruption-information field (SDM 25.8.3). */
const NMI = 2, HW_EXCEPTION = 3, SW_INTERRUPT = 4, PRIV_SW_EXCEPTION = 5, SW_EXCEPTION = 6, OTHER = 7;
const info = (c: Ctx) => c.v(F.ENTRY_INTR_INFO);
const injecting = (c: Ctx) => ((info(c) >> 31n) & 1n) === 1n;
const itype = (c: Ctx) => Number((info(c) >> 8n) & 7n);
const vector = (c: Ctx) => Number(info(c) & 0xffn);

/** A check on the event the VM-entry interruption-information field injects (valid bit 31 set). */
function event(id: string, text: string, when: (c: Ctx) => boolean, test: Rule['test'], fields: number[] = [F.ENTRY_INTR_INFO]): Rule {
  return { id, section: ENTRIES, class: 'control', fields, text, when: (c) => injecting(c) && when(c), test };
}

/** Exceptions that push an error code; #CP (21) only on CPUs with CET ("load CET state" can be 1). */
function errorCodeVectors(c: Ctx): number[] {
  const cet = ((c.masks(F.ENTRY, 'VM-entry controls').allowed1 >> BigInt(ENTRY.LOAD_CET)) & 1n) === 1n;
  return [8, 10, 11, 12, 13, 14, 17, ...(cet ? [21] : [])];
}

export const CONTROL_RULES: readonly Rule[] = [
  allowed('control.pin.allowed', EXEC, F.PIN, 'pin-based VM-execution controls'),
  allowed('control.proc.allowed', EXEC, F.PROC, 'primary processor-based VM-execution controls'),
  allowed('control.proc2.allowed', EXEC, F.PROC2, 'secondary processor-based VM-execution controls', proc(PROC.SECONDARY)),
  allowed('control.proc3.allowed', EXEC, F.PROC3, 'tertiary processor-based VM-execution controls', proc(PROC.TERTIARY)),
  {
    id: 'control.cr3-target-count', section: EXEC, class: 'control', fields: [F.CR3_TARGET_COUNT],
    text: 'The CR3-target count is not greater than the number of CR3-target values the CPU supports (IA32_VMX_MISC bits 24:16)',
    test: (c) => {
      const n = c.v(F.CR3_TARGET_COUNT);
      const max = (c.msr(MISC, 'IA32_VMX_MISC') >> 16n) & 0x1ffn;
      return n > max ? `CR3-target count ${n} is greater than ${max}, the number this CPU supports` : undefined;
    },
  },
  page('control.io-bitmap-a', EXEC, F.IO_BITMAP_A, 'I/O-bitmap A address', proc(PROC.IO_BITMAPS), '"use I/O bitmaps"'),
  page('control.io-bitmap-b', EXEC, F.IO_BITMAP_B, 'I/O-bitmap B address', proc(PROC.IO_BITMAPS), '"use I/O bitmaps"'),
  page('control.msr-bitmap', EXEC, F.MSR_BITMAP, 'MSR-bitmap address', proc(PROC.MSR_BITMAPS), '"use MSR bitmaps"'),
  page('control.virtual-apic-address', EXEC, F.VIRTUAL_APIC_ADDR, 'virtual-APIC address', proc(PROC.TPR_SHADOW), '"use TPR shadow"'),
  {
    id: 'control.tpr-threshold.reserved', section: EXEC, class: 'control', fields: [F.TPR_THRESHOLD],
    when: (c) => c.proc(PROC.TPR_SHADOW) && !c.proc2(PROC2.VID),
    text: 'If "use TPR shadow" is 1 and "virtual-interrupt delivery" is 0, bits 31:4 of the TPR threshold are 0',
    test: (c) => (c.v(F.TPR_THRESHOLD) & ~0xfn ? `TPR threshold ${h(c.v(F.TPR_THRESHOLD))} sets bits 31:4 (expected a value 0-15)` : undefined),
  },
  {
    id: 'control.tpr-threshold.vtpr', section: EXEC, class: 'control', fields: [F.TPR_THRESHOLD, F.VIRTUAL_APIC_ADDR],
    when: (c) => c.proc(PROC.TPR_SHADOW) && !c.proc2(PROC2.VID) && !c.proc2(PROC2.VIRT_APIC_ACCESSES) && (c.v(F.TPR_THRESHOLD) & 0xfn) !== 0n,
    text: 'If "use TPR shadow" is 1 and neither "virtual-interrupt delivery" nor "virtualize APIC accesses" is 1, TPR threshold bits 3:0 are not greater than VTPR bits 7:4 (byte 80H of the virtual-APIC page)',
    test: (c) => {
      throw new Unknown(`TPR threshold ${c.v(F.TPR_THRESHOLD) & 0xfn} is compared with VTPR in the virtual-APIC page, which the state does not hold`);
    },
  },
  {
    id: 'control.apic-virtualization.tpr-shadow', section: EXEC, class: 'control', fields: [F.PROC, F.PROC2],
    when: (c) => !c.proc(PROC.TPR_SHADOW),
    text: 'If "use TPR shadow" is 0, "virtualize x2APIC mode", "APIC-register virtualization" and "virtual-interrupt delivery" are 0',
    test: (c) => {
      const on = [[PROC2.VIRT_X2APIC, '"virtualize x2APIC mode"'], [PROC2.APIC_REG_VIRT, '"APIC-register virtualization"'], [PROC2.VID, '"virtual-interrupt delivery"']] as const;
      const set = on.filter(([b]) => c.proc2(b)).map(([, n]) => n);
      return set.length ? `"use TPR shadow" is 0 but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} 1` : undefined;
    },
    hint: 'set "use TPR shadow" (and a virtual-APIC page), or clear the APIC-virtualization controls',
  },
  forbid('control.virtual-nmis.nmi-exiting', EXEC, [F.PIN], 'If "NMI exiting" is 0, "virtual NMIs" is 0', (c) => !c.pin(PIN.NMI_EXITING) && c.pin(PIN.VIRTUAL_NMIS), '"virtual NMIs" is 1 but "NMI exiting" is 0', 'set "NMI exiting" or clear "virtual NMIs"'),
  requires('control.nmi-window.virtual-nmis', EXEC, [F.PIN, F.PROC], proc(PROC.NMI_WINDOW), '"NMI-window exiting"', pin(PIN.VIRTUAL_NMIS), '"virtual NMIs"'),
  page('control.apic-access-address', EXEC, F.APIC_ACCESS_ADDR, 'APIC-access address', proc2(PROC2.VIRT_APIC_ACCESSES), '"virtualize APIC accesses"'),
  requires('control.x2apic.apic-accesses', EXEC, [F.PROC2], proc2(PROC2.VIRT_X2APIC), '"virtualize x2APIC mode"', proc2(PROC2.VIRT_APIC_ACCESSES), '"virtualize APIC accesses"', false),
  requires('control.vid.external-interrupt-exiting', EXEC, [F.PIN, F.PROC2], proc2(PROC2.VID), '"virtual-interrupt delivery"', pin(PIN.EXT_INT_EXITING), '"external-interrupt exiting"'),
  requires('control.posted-interrupts.vid', EXEC, [F.PIN, F.PROC2], pin(PIN.POSTED_INTERRUPTS), '"process posted interrupts"', proc2(PROC2.VID), '"virtual-interrupt delivery"'),
  requires('control.posted-interrupts.ack-interrupt', EXEC, [F.PIN, F.EXIT], pin(PIN.POSTED_INTERRUPTS), '"process posted interrupts"', exit(EXIT.ACK_INTERRUPT), '"acknowledge interrupt on exit"'),
  {
    id: 'control.posted-interrupts.vector', section: EXEC, class: 'control', fields: [F.PI_VECTOR], when: pin(PIN.POSTED_INTERRUPTS),
    text: 'If "process posted interrupts" is 1, bits 15:8 of the posted-interrupt notification vector are 0',
    test: (c) => (c.v(F.PI_VECTOR) & 0xff00n ? `posted-interrupt notification vector ${h(c.v(F.PI_VECTOR))} sets bits 15:8 (expected 0-255)` : undefined),
  },
  {
    id: 'control.posted-interrupts.descriptor', section: EXEC, class: 'control', fields: [F.PI_DESC_ADDR], when: pin(PIN.POSTED_INTERRUPTS),
    text: 'If "process posted interrupts" is 1, the posted-interrupt descriptor address is 64-byte aligned and within the physical-address width',
    test: (c) => {
      const a = c.v(F.PI_DESC_ADDR);
      if (a & 0x3fn) return `posted-interrupt descriptor address ${h(a)} is not 64-byte aligned (bits 5:0 must be 0)`;
      const wide = c.beyondWidth(a);
      return wide ? `posted-interrupt descriptor address ${h(a)} ${wide}` : undefined;
    },
  },
  {
    id: 'control.vpid.nonzero', section: EXEC, class: 'control', fields: [F.VPID], when: proc2(PROC2.VPID),
    text: 'If "enable VPID" is 1, the VPID is not 0000H',
    test: (c) => (c.v(F.VPID) === 0n ? 'VPID is 0 with "enable VPID" 1 (VPID 0 belongs to the host)' : undefined),
  },
  {
    id: 'control.eptp', section: EXEC, class: 'control', fields: [F.EPTP], when: ept,
    text: 'If "enable EPT" is 1, the EPTP is valid: a supported memory type and page-walk length, A/D and shadow-stack bits only where supported, bits 11:8 and bits beyond the physical-address width 0',
    test: (c) => {
      const e = c.v(F.EPTP);
      const cap = c.msr(EPT_VPID, 'IA32_VMX_EPT_VPID_CAP');
      const has = (bit: number) => ((cap >> BigInt(bit)) & 1n) === 1n;
      const type = Number(e & 7n);
      const walk = Number((e >> 3n) & 7n) + 1;
      if (!((type === 0 && has(8)) || (type === 6 && has(14)))) return `EPTP ${h(e)} has memory type ${type}; this CPU allows ${[has(8) && '0 (UC)', has(14) && '6 (WB)'].filter(Boolean).join(' or ') || 'none'}`;
      if (!((walk === 4 && has(6)) || (walk === 5 && has(7)))) return `EPTP ${h(e)} has page-walk length ${walk} (bits 5:3 = ${walk - 1}); this CPU allows ${[has(6) && '4 (bits 5:3 = 3)', has(7) && '5 (bits 5:3 = 4)'].filter(Boolean).join(' or ')}`;
      if (e & 0x40n && !has(21)) return `EPTP ${h(e)} sets bit 6 (accessed/dirty flags), which this CPU does not support (IA32_VMX_EPT_VPID_CAP bit 21 is 0)`;
      if (e & 0x80n && !has(23)) return `EPTP ${h(e)} sets bit 7 (supervisor shadow-stack control), which this CPU does not support (IA32_VMX_EPT_VPID_CAP bit 23 is 0)`;
      if (e & 0xf00n) return `EPTP ${h(e)} sets reserved bits 11:8`;
      const wide = c.beyondWidth(e & ~0xfffn);
      return wide ? `EPTP ${h(e)} ${wide}` : undefined;
    },
  },
  requires('control.pml.ept', EXEC, [F.PROC2], proc2(PROC2.PML), '"enable PML"', ept, '"enable EPT"'),
  page('control.pml-address', EXEC, F.PML_ADDR, 'PML address', proc2(PROC2.PML), '"enable PML"'),
  requires('control.unrestricted-guest.ept', EXEC, [F.PROC2], proc2(PROC2.UNRESTRICTED), '"unrestricted guest"', ept, '"enable EPT"'),
  requires('control.spp.ept', EXEC, [F.PROC2], proc2(PROC2.SPP), '"sub-page write permissions for EPT"', ept, '"enable EPT"'),
  page('control.spptp', EXEC, F.SPPTP, 'SPP-table pointer', proc2(PROC2.SPP), '"sub-page write permissions for EPT"'),
  {
    id: 'control.vmfunc.allowed', section: EXEC, class: 'control', fields: [F.VMFUNC_CONTROLS], when: proc2(PROC2.VMFUNC),
    text: 'If "enable VM functions" is 1, the VM-function controls set only bits IA32_VMX_VMFUNC allows',
    test: (c) => {
      const v = c.v(F.VMFUNC_CONTROLS);
      const extra = v & ~c.msr(VMFUNC, 'IA32_VMX_VMFUNC');
      return extra ? `VM-function controls ${h(v)} set ${bitsText(extra)}, which this CPU does not support` : undefined;
    },
  },
  requires('control.eptp-switching.ept', EXEC, [F.VMFUNC_CONTROLS, F.PROC2], (c) => c.proc2(PROC2.VMFUNC) && (c.v(F.VMFUNC_CONTROLS) & 1n) === 1n, 'the "EPTP switching" VM function', ept, '"enable EPT"'),
  page('control.eptp-list-address', EXEC, F.EPTP_LIST_ADDR, 'EPTP-list address', (c) => c.proc2(PROC2.VMFUNC) && (c.v(F.VMFUNC_CONTROLS) & 1n) === 1n, 'the "EPTP switching" VM function'),
  page('control.vmread-bitmap', EXEC, F.VMREAD_BITMAP, 'VMREAD-bitmap address', proc2(PROC2.VMCS_SHADOWING), '"VMCS shadowing"'),
  page('control.vmwrite-bitmap', EXEC, F.VMWRITE_BITMAP, 'VMWRITE-bitmap address', proc2(PROC2.VMCS_SHADOWING), '"VMCS shadowing"'),
  page('control.ve-information-address', EXEC, F.VE_INFO_ADDR, 'virtualization-exception information address', proc2(PROC2.EPT_VE), '"EPT-violation #VE"'),
  requires('control.pt-gpa.ept', EXEC, [F.PROC2], proc2(PROC2.PT_GPA), '"Intel PT uses guest physical addresses"', ept, '"enable EPT"'),
  requires('control.pt-gpa.load-rtit-ctl', EXEC, [F.PROC2, F.ENTRY], proc2(PROC2.PT_GPA), '"Intel PT uses guest physical addresses"', entry(ENTRY.LOAD_RTIT), '"load IA32_RTIT_CTL" (VM-entry control)'),
  requires('control.pt-gpa.clear-rtit-ctl', EXEC, [F.PROC2, F.EXIT], proc2(PROC2.PT_GPA), '"Intel PT uses guest physical addresses"', exit(EXIT.CLEAR_RTIT), '"clear IA32_RTIT_CTL" (VM-exit control)'),
  requires('control.hlat.ept', EXEC, [F.PROC3], proc3(PROC3.HLAT), '"enable HLAT"', ept, '"enable EPT"'),
  page('control.hlatp', EXEC, F.HLATP, 'HLAT pointer', proc3(PROC3.HLAT), '"enable HLAT"'),
  requires('control.ept-paging-write.ept', EXEC, [F.PROC3], proc3(PROC3.EPT_PAGING_WRITE), '"EPT paging-write control"', ept, '"enable EPT"'),
  requires('control.guest-paging-verification.ept', EXEC, [F.PROC3], proc3(PROC3.GUEST_PAGING_VERIFY), '"guest-paging verification"', ept, '"enable EPT"'),

  allowed('control.exit.allowed', EXITS, F.EXIT, 'primary VM-exit controls'),
  {
    id: 'control.exit2.allowed', section: EXITS, class: 'control', fields: [F.EXIT2], when: exit(EXIT.SECONDARY),
    text: 'If "activate secondary VM-exit controls" is 1, the secondary VM-exit controls set only bits IA32_VMX_EXIT_CTLS2 allows',
    test: (c) => {
      const v = c.v(F.EXIT2);
      const extra = v & ~c.masks(F.EXIT2, 'secondary VM-exit controls').allowed1;
      return extra ? `secondary VM-exit controls ${h(v)} set ${bitsText(extra)}, which must be 0 on this CPU` : undefined;
    },
  },
  forbid('control.save-preemption-timer', EXITS, [F.PIN, F.EXIT], 'If "activate VMX-preemption timer" is 0, "save VMX-preemption timer value" is 0', (c) => !c.pin(PIN.PREEMPTION_TIMER) && c.exit(EXIT.SAVE_PREEMPTION), '"save VMX-preemption timer value" is 1 but "activate VMX-preemption timer" is 0'),
  msrList('control.exit-msr-store', EXITS, F.EXIT_MSR_STORE_COUNT, F.EXIT_MSR_STORE_ADDR, 'VM-exit MSR-store'),
  msrList('control.exit-msr-load', EXITS, F.EXIT_MSR_LOAD_COUNT, F.EXIT_MSR_LOAD_ADDR, 'VM-exit MSR-load'),

  allowed('control.entry.allowed', ENTRIES, F.ENTRY, 'VM-entry controls'),
  {
    id: 'control.event.reserved', section: ENTRIES, class: 'control', fields: [F.ENTRY_INTR_INFO], when: injecting,
    text: 'If the VM-entry interruption-information field is valid, bits 30:12 are 0',
    test: (c) => (info(c) & 0x7ffff000n ? `VM-entry interruption information ${h(info(c))} sets reserved bits 30:12` : undefined),
  },
  event('control.event.type', 'The interruption type is not 1 (reserved)', () => true,
    (c) => (itype(c) === 1 ? `VM-entry interruption information ${h(info(c))} has the reserved interruption type 1` : undefined)),
  event('control.event.other-event', 'Interruption type 7 (other event) is used only on a CPU that supports "monitor trap flag"', (c) => itype(c) === OTHER,
    (c) => (((c.masks(F.PROC, 'primary processor-based VM-execution controls').allowed1 >> BigInt(PROC.MTF)) & 1n) === 1n ? undefined : 'interruption type 7 (other event) needs "monitor trap flag" support, which this CPU lacks'),
    [F.ENTRY_INTR_INFO, F.PROC]),
  event('control.event.vector.nmi', 'An injected NMI (type 2) has vector 2', (c) => itype(c) === NMI, (c) => (vector(c) === 2 ? undefined : `an NMI is injected with vector ${vector(c)} (expected 2)`)),
  event('control.event.vector.exception', 'An injected hardware exception (type 3) has a vector of 0-31', (c) => itype(c) === HW_EXCEPTION,
    (c) => (vector(c) <= 31 ? undefined : `a hardware exception is injected with vector ${vector(c)} (expected 0-31)`)),
  event('control.event.vector.other-event', 'An injected "other event" (type 7) has vector 0 (pending MTF VM exit)', (c) => itype(c) === OTHER,
    (c) => (vector(c) === 0 ? undefined : `an "other event" is injected with vector ${vector(c)} (expected 0, pending MTF VM exit)`)),
  {
    id: 'control.event.error-code-bit', section: ENTRIES, class: 'control', fields: [F.ENTRY_INTR_INFO, F.GUEST_CR0], when: injecting,
    text: 'Bit 11 (deliver error code) is 1 exactly when a hardware exception that pushes an error code is injected into a protected-mode guest ("unrestricted guest" 0, or guest CR0.PE 1); with IA32_VMX_BASIC bit 56 = 1, only the "must be 0" half applies',
    test: (c) => {
      const t = itype(c), v = vector(c);
      const deliver = ((info(c) >> 11n) & 1n) === 1n;
      // Without "unrestricted guest" the guest is in protected mode whatever CR0 says (the CR0 checks come later).
      const pe = !c.unrestricted() || c.pe();
      const relaxed = ((c.msr(0x480, 'IA32_VMX_BASIC') >> 56n) & 1n) === 1n;
      if (deliver && (t !== HW_EXCEPTION || !pe)) return `deliver-error-code is 1 but ${t !== HW_EXCEPTION ? `the interruption type is ${t}, not a hardware exception` : 'the guest is in real mode (unrestricted guest with CR0.PE 0)'}`;
      if (relaxed) return undefined;
      const pushes = errorCodeVectors(c).includes(v);
      if (t === HW_EXCEPTION && pe && pushes && !deliver) return `vector ${v} pushes an error code but deliver-error-code is 0`;
      if (t === HW_EXCEPTION && pe && !pushes && deliver) return `vector ${v} pushes no error code but deliver-error-code is 1`;
      return undefined;
    },
  },
  {
    id: 'control.event.error-code', section: ENTRIES, class: 'control', fields: [F.ENTRY_ERROR_CODE], when: (c) => injecting(c) && ((info(c) >> 11n) & 1n) === 1n,
    text: 'If deliver-error-code is 1, bits 31:16 of the VM-entry exception error code are 0',
    test: (c) => (c.v(F.ENTRY_ERROR_CODE) & 0xffff0000n ? `VM-entry exception error code ${h(c.v(F.ENTRY_ERROR_CODE))} sets bits 31:16` : undefined),
  },
  {
    id: 'control.event.instruction-length', section: ENTRIES, class: 'control', fields: [F.ENTRY_INSTR_LEN],
    when: (c) => injecting(c) && [SW_INTERRUPT, PRIV_SW_EXCEPTION, SW_EXCEPTION].includes(itype(c)),
    text: 'For a software interrupt or exception, the VM-entry instruction length is 1-15 (0 allowed when IA32_VMX_MISC bit 30 is 1)',
    test: (c) => {
      const n = c.v(F.ENTRY_INSTR_LEN);
      if (n > 15n) return `VM-entry instruction length ${n} is greater than 15`;
      if (n === 0n && !((c.msr(MISC, 'IA32_VMX_MISC') >> 30n) & 1n)) return 'VM-entry instruction length is 0, which this CPU allows only with IA32_VMX_MISC bit 30';
      return undefined;
    },
  },
  msrList('control.entry-msr-load', ENTRIES, F.ENTRY_MSR_LOAD_COUNT, F.ENTRY_MSR_LOAD_ADDR, 'VM-entry MSR-load'),
  {
    id: 'control.entry.smm', section: ENTRIES, class: 'control', fields: [F.ENTRY],
    text: 'Outside SMM, "entry to SMM" and "deactivate dual-monitor treatment" are 0',
    test: (c) => (c.entry(ENTRY.TO_SMM) || c.entry(ENTRY.DEACTIVATE_DUAL) ? `${c.entry(ENTRY.TO_SMM) ? '"entry to SMM"' : '"deactivate dual-monitor treatment"'} is 1 on a VM entry from outside SMM` : undefined),
  },
];

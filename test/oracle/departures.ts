// Where Bochs 2.7 (cpu/vmx.cc, tag REL_2_7_FINAL) departs from the SDM's VM-entry checks (Vol. 3C ch. 27). The
// differential test predicts with the SDM's rules; when Bochs answers otherwise it retries with the rules Bochs lacks
// left out and the checks Bochs does instead added, and accepts the case only if that explains Bochs' answer.
import type { Ctx } from '../../src/core/entry/ctx';
import type { EntryOutcome } from '../../src/core/entry/engine';
import type { EntryCaps } from '../../src/core/entry/ctx';

export interface Departure {
  id: string;
  /** Only on models where this holds (default: every model). */
  models?: (caps: EntryCaps) => boolean;
  /** SDM rules Bochs does not apply (as written). */
  skips: readonly string[];
  /** What Bochs checks instead, if anything: the outcome it reports when its own condition holds. */
  bochs?: { when: (c: Ctx, sdmFails: (id: string) => boolean) => boolean; outcome: EntryOutcome };
  sdm: string;
  note: string;
}

const guestFailure = (qualification = 0): EntryOutcome => ({ result: 'entry-failure', exitReason: 0x80000021, qualification });
const injected = (c: Ctx) => (c.v(0x4016) >> 31n) & 1n ? { type: Number((c.v(0x4016) >> 8n) & 7n), vector: Number(c.v(0x4016) & 0xffn) } : undefined;

export const DEPARTURES: readonly Departure[] = [
  { id: 'rip-canonical', skips: ['guest.rip.canonical'], sdm: '27.3.1.4', note: 'a non-canonical guest RIP in 64-bit mode enters (and the guest then takes #GP)' },
  { id: 'dr7-high', skips: ['guest.dr7.high'], sdm: '27.3.1.1', note: 'bits 63:32 of guest DR7 are not checked with "load debug controls"' },
  { id: 'debugctl', skips: ['guest.debugctl.reserved'], sdm: '27.3.1.1', note: 'reserved bits of guest IA32_DEBUGCTL are not checked with "load debug controls"' },
  {
    id: 'pending-debug', skips: ['guest.pending-debug.reserved', 'guest.pending-debug.rtm', 'guest.pending-debug.bs'], sdm: '27.3.1.5',
    note: 'pending debug exceptions are checked as a 32-bit value (bits 63:32 ignored), bit 16 (RTM) counts as reserved, and the BS rule for blocking by STI/MOV SS or HLT is missing',
    bochs: { when: (c) => ((c.v(0x6822) & 0xffffffffn) & 0xffffaff0n) !== 0n, outcome: guestFailure() },
  },
  {
    id: 'data-segment-dpl', skips: ['guest.ds.dpl', 'guest.es.dpl', 'guest.fs.dpl', 'guest.gs.dpl'], sdm: '27.3.1.2',
    note: 'the DPL ≥ RPL rule for DS/ES/FS/GS covers types 0-10, not 0-11: a type-11 (execute/read code) segment with RPL > DPL enters',
    bochs: {
      when: (c) => !c.v86() && !c.unrestricted() && (['DS', 'ES', 'FS', 'GS'] as const).some((n) => c.seg(n).usable && c.seg(n).type < 11 && c.seg(n).rpl > c.seg(n).dpl),
      outcome: guestFailure(),
    },
  },
  {
    id: 'cs-dpl', skips: ['guest.cs.dpl'], sdm: '27.3.1.2',
    note: 'the CS DPL rule compares CS.DPL with the CS selector\'s RPL (equal for types 9/11, DPL ≤ RPL for 13/15), not with SS.DPL; the two agree only while SS.DPL equals CS.RPL',
    bochs: {
      when: (c) => {
        if (c.v86()) return false;
        const cs = c.seg('CS');
        if (cs.type === 9 || cs.type === 11) return cs.rpl !== cs.dpl;
        if (cs.type === 13 || cs.type === 15) return cs.rpl < cs.dpl;
        return cs.type === 3 && c.unrestricted() && cs.dpl !== 0;
      },
      outcome: guestFailure(),
    },
  },
  {
    id: 'ss-64-bit', skips: ['guest.ss.type', 'guest.ss.s', 'guest.ss.p', 'guest.ss.reserved', 'guest.ss.g', 'guest.ss.base.high'], sdm: '27.3.1.2',
    note: 'a usable SS with RPL 0 in a 64-bit guest (IA-32e mode, CS.L 1) is not checked at all (type, S, P, reserved bits, G, base)',
    bochs: {
      when: (c, sdmFails) => !(c.ia32e() && c.seg('CS').l && c.seg('SS').rpl === 0) && ['guest.ss.type', 'guest.ss.s', 'guest.ss.p', 'guest.ss.reserved', 'guest.ss.g', 'guest.ss.base.high'].some(sdmFails),
      outcome: guestFailure(),
    },
  },
  {
    id: 'activity-events', skips: ['guest.activity.event'], sdm: '27.3.1.5',
    note: 'events injected into the HLT state are not restricted, and in the shutdown state any event with vector 18 is accepted, not only #MC',
    bochs: {
      when: (c) => {
        const e = injected(c);
        const a = c.v(0x4826);
        return !!e && (a === 3n || (a === 2n && e.type !== 2 && e.vector !== 18));
      },
      outcome: guestFailure(),
    },
  },
  { id: 'virtual-nmi-blocking', skips: ['guest.interruptibility.virtual-nmi'], sdm: '27.3.1.5', note: 'blocking by NMI is not checked when an NMI is injected with "virtual NMIs" 1 (the check is commented out)' },
  {
    id: 'nmi-sti', skips: ['guest.interruptibility.nmi-sti'], sdm: '27.3.1.5, 27.8',
    note: 'an NMI injected into a guest blocking by STI fails with exit qualification 0, not 3',
    bochs: { when: (c) => injected(c)?.type === 2 && (c.v(0x4824) & 1n) === 1n, outcome: guestFailure(0) },
  },
  {
    id: 'rflags-vm-real', skips: ['guest.rflags.vm'], sdm: '27.3.1.4',
    note: 'RFLAGS.VM is rejected only for an IA-32e mode guest, not when guest CR0.PE is 0',
    bochs: { when: (c) => c.ia32e() && c.v86(), outcome: guestFailure() },
  },
  {
    id: 'interruptibility-enclave', skips: ['guest.interruptibility.enclave'], sdm: '27.3.1.5',
    note: 'bit 4 (enclave interruption) of the interruptibility state counts as reserved (Bochs models have no SGX)',
    bochs: { when: (c) => (c.v(0x4824) & 0x10n) !== 0n, outcome: guestFailure() },
  },
  {
    id: 'error-code-with-cet', skips: ['control.event.error-code-bit'], sdm: '27.2.1.3',
    models: (caps) => (((caps.masks(0x4012)?.allowed1 ?? 0n) >> 20n) & 1n) === 1n,
    note: 'on a model with CET the deliver-error-code bit of an injected event is not checked at all',
  },
  {
    id: 'other-event-without-mtf', skips: ['control.event.other-event', 'control.event.vector.other-event'], sdm: '27.2.1.3',
    models: (caps) => (((caps.masks(0x4002)?.allowed1 ?? 0n) >> 27n) & 1n) === 0n,
    note: 'on a model without "monitor trap flag", interruption type 7 passes the checks with any vector (and Bochs then panics delivering it, so the generator leaves it out)',
  },
  {
    id: 'entry-to-smm', skips: ['control.entry.smm'], sdm: '27.2.1.3',
    note: '"entry to SMM" outside SMM is not a VM-entry control failure (only "deactivate dual-monitor treatment" is, error 7); the guest-state checks for an entry to SMM (blocking by SMI, no wait-for-SIPI) and "blocking by SMI outside SMM" then fail with exit reason 33',
    bochs: { when: (c) => ((c.v(0x4012) >> 11n) & 1n) === 1n, outcome: { result: 'vmfail', error: 7 } },
  },
  {
    id: 'host-cet-wp', skips: ['host.cr4.cet-wp'], sdm: '27.2.2',
    note: 'host CR4.CET 1 with CR0.WP 0 fails only when "load CET state" (VM-exit control 28) is 1',
    bochs: { when: (c) => ((c.v(0x400c) >> 28n) & 1n) === 1n && ((c.v(0x6c04) >> 23n) & 1n) === 1n && ((c.v(0x6c00) >> 16n) & 1n) === 0n, outcome: { result: 'vmfail', error: 8 } },
  },
  {
    id: 'tsc-multiplier', skips: [], sdm: '27.2.1.1',
    note: 'with "use TSC scaling" 1, a TSC multiplier of 0 fails with error 7; the SDM has no such check',
    bochs: { when: (c) => c.proc2(25) && c.v(0x2032) === 0n, outcome: { result: 'vmfail', error: 7 } },
  },
];

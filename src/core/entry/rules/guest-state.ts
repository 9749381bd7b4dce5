// Checks on guest non-register state (SDM Vol. 3C 27.3.1.5) and on the PDPTEs of a PAE guest (27.3.1.6).
import { h, type Rule } from '../rule';
import { Unknown, type Ctx } from '../ctx';
import { ENTRY, F, PIN, PROC2 } from '../fields';

const STATE = '27.3.1.5';
const PDPTES = '27.3.1.6';
const ACTIVE = 0n, HLT = 1n, SHUTDOWN = 2n, WAIT_SIPI = 3n;
const ACTIVITY_NAMES = ['active', 'HLT', 'shutdown', 'wait-for-SIPI'];
const STI = 1n, MOV_SS = 2n, SMI = 4n, NMI_BLOCK = 8n, ENCLAVE = 16n;

const rule = (id: string, section: string, fields: number[], text: string, test: Rule['test'], when?: Rule['when'], extra: Partial<Rule> = {}): Rule => ({ id, section, class: 'guest', fields, text, test, when, ...extra });
const info = (c: Ctx) => c.v(F.ENTRY_INTR_INFO);
const injecting = (c: Ctx) => ((info(c) >> 31n) & 1n) === 1n;
const itype = (c: Ctx) => Number((info(c) >> 8n) & 7n);
const vector = (c: Ctx) => Number(info(c) & 0xffn);
const blocking = (c: Ctx) => c.v(F.INTERRUPTIBILITY);
const activity = (c: Ctx) => c.v(F.ACTIVITY);
const injects = (type: number) => (c: Ctx) => injecting(c) && itype(c) === type;

/** Which injected events an activity state accepts (SDM 27.3.1.5). */
function eventAllowed(state: bigint, type: number, vec: number): boolean {
  if (state === HLT) return type === 0 || type === 2 || (type === 3 && (vec === 1 || vec === 18)) || (type === 7 && vec === 0);
  if (state === SHUTDOWN) return type === 2 || (type === 3 && vec === 18);
  if (state === WAIT_SIPI) return false;
  return true;
}

/** A PDPTE that is present sets no reserved bits (2:1, 8:5, beyond the physical-address width). */
function pdpte(n: number): Rule {
  const field = F.GUEST_PDPTE0 + 2 * n;
  return rule(`guest.pdpte${n}`, PDPTES, [field], `PAE paging with "enable EPT": PDPTE${n}, if present, sets no reserved bits (2:1, 8:5, beyond the physical-address width)`,
    (c) => {
      const v = c.v(field);
      if (!(v & 1n)) return undefined;
      if (v & 0x1e6n) return `guest PDPTE${n} ${h(v)} sets reserved bits ${v & 6n ? '2:1' : '8:5'}`;
      const wide = c.beyondWidth(v & ~0xfffn & ((1n << 63n) - 1n));
      return wide ? `guest PDPTE${n} ${h(v)} ${wide}` : undefined;
    },
    (c) => pae(c) && c.proc2(PROC2.EPT), { qualification: 2 });
}
const pae = (c: Ctx) => c.bit(F.GUEST_CR0, 31) && c.bit(F.GUEST_CR4, 5) && !c.ia32e();

export const GUEST_STATE_RULES: readonly Rule[] = [
  rule('guest.activity.supported', STATE, [F.ACTIVITY], 'The activity state is 0-3 and one IA32_VMX_MISC bits 8:6 say the CPU supports',
    (c) => {
      const a = activity(c);
      if (a > WAIT_SIPI) return `activity state ${a} is not defined (0 active, 1 HLT, 2 shutdown, 3 wait-for-SIPI)`;
      if (a === ACTIVE) return undefined;
      const misc = c.msr(0x485, 'IA32_VMX_MISC');
      return (misc >> (5n + a)) & 1n ? undefined : `activity state ${a} (${ACTIVITY_NAMES[Number(a)]}) is not one this CPU supports (IA32_VMX_MISC bit ${5n + a} is 0)`;
    }),
  rule('guest.activity.hlt-ss-dpl', STATE, [F.ACTIVITY, 0x4818], 'In the HLT activity state, SS.DPL is 0', (c) => (c.seg('SS').dpl === 0 ? undefined : `activity state HLT with SS.DPL ${c.seg('SS').dpl} (expected 0)`), (c) => activity(c) === HLT),
  rule('guest.activity.blocking', STATE, [F.ACTIVITY, F.INTERRUPTIBILITY], 'With blocking by STI or by MOV SS, the activity state is active',
    (c) => (activity(c) === ACTIVE ? undefined : `blocking by ${blocking(c) & STI ? 'STI' : 'MOV SS'} with activity state ${activity(c)} (expected 0, active)`), (c) => (blocking(c) & (STI | MOV_SS)) !== 0n),
  rule('guest.activity.event', STATE, [F.ACTIVITY, F.ENTRY_INTR_INFO], 'An injected event is one the activity state accepts (HLT: external interrupt, NMI, #DB, #MC, MTF; shutdown: NMI, #MC; wait-for-SIPI: none)',
    (c) => (eventAllowed(activity(c), itype(c), vector(c)) ? undefined : `activity state ${ACTIVITY_NAMES[Number(activity(c))] ?? activity(c)} does not accept an injected event of type ${itype(c)}, vector ${vector(c)}`), injecting),
  rule('guest.activity.smm-sipi', STATE, [F.ACTIVITY, F.ENTRY], 'With "entry to SMM" 1, the activity state is not wait-for-SIPI',
    (c) => (activity(c) === WAIT_SIPI ? '"entry to SMM" is 1 with activity state wait-for-SIPI' : undefined), (c) => c.entry(ENTRY.TO_SMM)),

  rule('guest.interruptibility.reserved', STATE, [F.INTERRUPTIBILITY], 'Bits 31:5 of the interruptibility state are 0',
    (c) => (blocking(c) >> 5n ? `interruptibility state ${h(blocking(c))} sets reserved bits 31:5` : undefined)),
  rule('guest.interruptibility.sti-mov-ss', STATE, [F.INTERRUPTIBILITY], 'Blocking by STI and blocking by MOV SS are not both 1',
    (c) => ((blocking(c) & 3n) === 3n ? `interruptibility state ${h(blocking(c))} sets both blocking by STI and by MOV SS` : undefined)),
  rule('guest.interruptibility.sti-if', STATE, [F.INTERRUPTIBILITY, F.RFLAGS], 'With RFLAGS.IF 0, blocking by STI is 0',
    (c) => (blocking(c) & STI ? 'blocking by STI is 1 but RFLAGS.IF is 0' : undefined), (c) => !c.bit(F.RFLAGS, 9)),
  rule('guest.interruptibility.external', STATE, [F.INTERRUPTIBILITY, F.ENTRY_INTR_INFO], 'When an external interrupt is injected, blocking by STI and by MOV SS are 0',
    (c) => (blocking(c) & 3n ? `an external interrupt is injected with blocking by ${blocking(c) & STI ? 'STI' : 'MOV SS'}` : undefined), injects(0)),
  rule('guest.interruptibility.nmi-mov-ss', STATE, [F.INTERRUPTIBILITY, F.ENTRY_INTR_INFO], 'When an NMI is injected, blocking by MOV SS is 0',
    (c) => (blocking(c) & MOV_SS ? 'an NMI is injected with blocking by MOV SS' : undefined), injects(2)),
  rule('guest.interruptibility.smi', STATE, [F.INTERRUPTIBILITY], 'Outside SMM, blocking by SMI (bit 2) is 0', (c) => (blocking(c) & SMI ? 'blocking by SMI is 1 on a VM entry from outside SMM' : undefined)),
  rule('guest.interruptibility.smm-entry', STATE, [F.INTERRUPTIBILITY, F.ENTRY], 'With "entry to SMM" 1, blocking by SMI is 1',
    (c) => (blocking(c) & SMI ? undefined : '"entry to SMM" is 1 but blocking by SMI is 0'), (c) => c.entry(ENTRY.TO_SMM)),
  rule('guest.interruptibility.virtual-nmi', STATE, [F.INTERRUPTIBILITY, F.PIN, F.ENTRY_INTR_INFO], 'With "virtual NMIs" 1 and an NMI injected, blocking by NMI (bit 3) is 0',
    (c) => (blocking(c) & NMI_BLOCK ? 'an NMI is injected with "virtual NMIs" 1 and blocking by NMI 1' : undefined), (c) => c.pin(PIN.VIRTUAL_NMIS) && injects(2)(c)),
  rule('guest.interruptibility.enclave', STATE, [F.INTERRUPTIBILITY], 'Enclave interruption (bit 4) is 1 only without blocking by MOV SS, on a CPU with SGX',
    (c) => {
      if (blocking(c) & MOV_SS) return 'enclave interruption is 1 together with blocking by MOV SS';
      throw new Unknown('enclave interruption is 1, which needs SGX (CPUID leaf 07H), unknown here');
    }, (c) => (blocking(c) & ENCLAVE) !== 0n),
  rule('guest.interruptibility.nmi-sti', STATE, [F.INTERRUPTIBILITY, F.ENTRY_INTR_INFO], 'An NMI is not injected into a guest blocking by STI (processors may fail such an entry, exit qualification 3)',
    (c) => (blocking(c) & STI ? 'an NMI is injected with blocking by STI' : undefined), injects(2), { qualification: 3 }),

  rule('guest.pending-debug.reserved', STATE, [F.PENDING_DBG], 'Pending debug exceptions set no reserved bits (11:4, 13, 15, 63:17)',
    (c) => {
      const v = c.v(F.PENDING_DBG);
      const bad = v & ~(0xfn | (1n << 12n) | (1n << 14n) | (1n << 16n)) & ((1n << 64n) - 1n);
      return bad ? `pending debug exceptions ${h(v)} set reserved bits (${h(bad)})` : undefined;
    }),
  rule('guest.pending-debug.rtm', STATE, [F.PENDING_DBG, F.INTERRUPTIBILITY], 'RTM (bit 16) is 1 only on a CPU with RTM and without blocking by MOV SS',
    (c) => {
      if (blocking(c) & MOV_SS) return 'pending debug exceptions set RTM (bit 16) with blocking by MOV SS';
      throw new Unknown('pending debug exceptions set RTM (bit 16), which needs RTM support (CPUID leaf 07H), unknown here');
    }, (c) => ((c.v(F.PENDING_DBG) >> 16n) & 1n) === 1n),
  rule('guest.pending-debug.bs', STATE, [F.PENDING_DBG, F.RFLAGS, F.GUEST_DEBUGCTL], 'With blocking by STI or MOV SS, or in HLT: BS (bit 14) is 1 if RFLAGS.TF is 1 and IA32_DEBUGCTL.BTF is 0, and 0 otherwise',
    (c) => {
      const bs = ((c.v(F.PENDING_DBG) >> 14n) & 1n) === 1n;
      const want = c.bit(F.RFLAGS, 8) && !c.bit(F.GUEST_DEBUGCTL, 1);
      return bs === want ? undefined : `pending debug BS is ${+bs} but RFLAGS.TF is ${+c.bit(F.RFLAGS, 8)} and IA32_DEBUGCTL.BTF is ${+c.bit(F.GUEST_DEBUGCTL, 1)} (expected BS ${+want})`;
    }, (c) => (blocking(c) & (STI | MOV_SS)) !== 0n || activity(c) === HLT),

  rule('guest.link-pointer.address', STATE, [F.LINK_POINTER], 'A VMCS link pointer other than FFFFFFFF_FFFFFFFFH is 4-KByte aligned and within the physical-address width',
    (c) => {
      const p = c.v(F.LINK_POINTER);
      if (p & 0xfffn) return `VMCS link pointer ${h(p)} is not 4-KByte aligned (use 0xffffffffffffffff when there is no shadow VMCS)`;
      const wide = c.beyondWidth(p);
      return wide ? `VMCS link pointer ${h(p)} ${wide}` : undefined;
    }, (c) => c.v(F.LINK_POINTER) !== (1n << 64n) - 1n, { qualification: 4, hint: 'write 0xffffffffffffffff unless a shadow VMCS is linked' }),
  rule('guest.link-pointer.vmcs', STATE, [F.LINK_POINTER, F.PROC2], 'The VMCS the link pointer references has this CPU\'s revision id, with the shadow-VMCS bit equal to "VMCS shadowing"',
    (c) => {
      throw new Unknown(`the VMCS at link pointer ${h(c.v(F.LINK_POINTER))} is in memory, which the state does not hold`);
    }, (c) => c.v(F.LINK_POINTER) !== (1n << 64n) - 1n && (c.v(F.LINK_POINTER) & 0xfffn) === 0n, { qualification: 4 }),

  ...[0, 1, 2, 3].map(pdpte),
  rule('guest.pdpte.memory', PDPTES, [F.GUEST_CR3], 'PAE paging without "enable EPT": the four PDPTEs at guest CR3 set no reserved bits',
    (c) => {
      throw new Unknown(`the PDPTEs are read from guest memory at CR3 ${h(c.v(F.GUEST_CR3))}, which the state does not hold`);
    }, (c) => pae(c) && !c.proc2(PROC2.EPT), { qualification: 2 }),
];

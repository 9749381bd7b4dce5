// What the CPU reports for each predicted outcome (SDM Vol. 3C 27.8 and 31.4, VM-instruction error numbers).
import type { EntryOutcome } from './engine';

const ERRORS: Record<number, string> = { 7: 'VM entry with invalid control field(s)', 8: 'VM entry with invalid host-state field(s)' };
const REASONS: Record<number, string> = { 33: 'VM-entry failure due to invalid guest state', 34: 'VM-entry failure due to MSR loading' };
const GUEST_QUALIFICATIONS: Record<number, string> = { 0: 'no further detail', 2: 'a PDPTE failed its checks', 3: 'NMI injection blocked by STI', 4: 'invalid VMCS link pointer' };

/** One line: "VMfailValid, VM-instruction error 7 (VM entry with invalid control field(s))". */
export function outcomeText(o: EntryOutcome): string {
  if (o.result === 'enters') return 'enters: every check passes';
  if (o.result === 'vmfail') return `VMfailValid, VM-instruction error ${o.error} (${ERRORS[o.error]})`;
  if (o.result === 'undecided') return `undecided: ${o.because}; if the checks left open pass: ${outcomeText(o.ifOpenPass)}`;
  const basic = o.exitReason & 0xffff;
  const detail = basic === 33 ? GUEST_QUALIFICATIONS[o.qualification] : `MSR-load entry ${o.qualification} failed`;
  return `VM-entry failure: exit reason ${basic} (0x${o.exitReason.toString(16)}, ${REASONS[basic]}), qualification ${o.qualification} (${detail})`;
}

/** What a dump's own exit-reason field says the CPU reported, set beside the prediction. */
export interface Reported {
  exitReason: number;
  agrees: boolean;
  text: string;
}

/**
 * A dump taken after a failed VM entry holds the CPU's answer: exit reason 33 or 34 with bit 31 set. Exit 33 means
 * the CPU passed every control and host-state check, so failing control or host checks here come from capability
 * data that is not that CPU's; a prediction that the state enters means the failing check is one the state cannot
 * show. Undefined when the exit-reason field holds no VM-entry failure.
 */
export function reportedOutcome(fields: ReadonlyMap<number, bigint>, predicted: EntryOutcome): Reported | undefined {
  const raw = fields.get(0x4402);
  if (raw === undefined || !((raw >> 31n) & 1n)) return undefined;
  const exitReason = Number(raw & 0xffffffffn);
  const basic = exitReason & 0xffff;
  if (basic !== 33 && basic !== 34) return undefined;
  const o = predicted.result === 'undecided' ? predicted.ifOpenPass : predicted;
  const said = `the dump's exit reason is ${basic} (${REASONS[basic]})`;
  if (o.result === 'entry-failure' && (o.exitReason & 0xffff) === basic) return { exitReason, agrees: true, text: `${said}, as predicted` };
  const text =
    o.result === 'vmfail'
      ? `${said}: on the CPU that wrote it the ${o.error === 7 ? 'control' : 'host-state'} checks passed, so the capability source is not that CPU's: check with its profile or a snapshot of it`
      : o.result === 'enters'
        ? `${said}, but no check here fails: the failing check is one this state cannot show (memory, CPUID, or a field the dump lacks)`
        : `${said}, but the checks predict exit reason ${o.exitReason & 0xffff}`;
  return { exitReason, agrees: false, text };
}

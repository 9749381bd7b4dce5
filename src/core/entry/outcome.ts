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

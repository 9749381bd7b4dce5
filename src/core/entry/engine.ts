// Runs every VM-entry rule on a VMCS state and predicts what the CPU reports first: VM-instruction error 7 (controls),
// then 8 (host state), then a VM-entry failure with exit reason 33 (guest state) or 34 (MSR loading).
import { catalogue } from '../catalogue/catalogue';
import { hex } from '../catalogue/hex';
import { Ctx, Missing, Unknown, type CpuFacts, type EntryCaps, type MsrEntry } from './ctx';
import type { CheckClass, Rule } from './rule';
import { CONTROL_RULES } from './rules/controls';
import { HOST_RULES } from './rules/host';
import { GUEST_REGISTER_RULES } from './rules/guest-registers';
import { GUEST_SEGMENT_RULES } from './rules/guest-segments';
import { GUEST_STATE_RULES } from './rules/guest-state';
import { MSR_LOAD_RULES } from './rules/msr-load';

export const CLASSES: readonly CheckClass[] = ['control', 'host', 'guest', 'msr-load'];

const sectionKey = (s: string) => s.split('.').map((n) => n.padStart(3, '0')).join('.');

/** Every rule, in the order the CPU checks: by class, then by SDM section (the table's order within a section). */
export const RULES: readonly Rule[] = [...CONTROL_RULES, ...HOST_RULES, ...GUEST_REGISTER_RULES, ...GUEST_SEGMENT_RULES, ...GUEST_STATE_RULES, ...MSR_LOAD_RULES]
  .map((rule, i) => ({ rule, i }))
  .sort((a, b) => CLASSES.indexOf(a.rule.class) - CLASSES.indexOf(b.rule.class) || sectionKey(a.rule.section).localeCompare(sectionKey(b.rule.section)) || a.i - b.i)
  .map((x) => x.rule);

export type CheckStatus = 'fail' | 'pass' | 'not-checked';

export interface CheckResult {
  id: string;
  section: string;
  class: CheckClass;
  status: CheckStatus;
  fields: readonly number[];
  message: string;
  hint?: string;
}

export type EntryOutcome =
  | { result: 'enters' }
  | { result: 'vmfail'; error: 7 | 8 }
  | { result: 'entry-failure'; exitReason: number; qualification: number }
  | { result: 'undecided'; because: string; /** What the CPU reports if every check left open passes. */ ifOpenPass: Decided };

export type Decided = Exclude<EntryOutcome, { result: 'undecided' }>;

export interface EntryReport {
  outcome: EntryOutcome;
  /** Failing checks first, then not-checked, then passing ones, each group in the CPU's order. */
  checks: CheckResult[];
  counts: { pass: number; fail: number; notChecked: number };
}

export interface EntryInput {
  fields: ReadonlyMap<number, bigint>;
  msrLoad?: readonly MsrEntry[];
}

const fieldLabel = (encoding: number) => `${catalogue().byEncodingNumber(encoding)?.name ?? 'field'} (${hex(BigInt(encoding), 4)})`;

function evaluate(rule: Rule, c: Ctx): { status: CheckStatus; message: string; entry?: number } {
  try {
    if (rule.when && !rule.when(c)) return { status: 'pass', message: `does not apply: ${rule.text}` };
    c.failedEntry = undefined;
    const problem = rule.test(c);
    return problem ? { status: 'fail', message: problem, entry: c.failedEntry } : { status: 'pass', message: rule.text };
  } catch (e) {
    if (e instanceof Missing) return { status: 'not-checked', message: `needs ${fieldLabel(e.field)}, which the state lacks` };
    if (e instanceof Unknown) return { status: 'not-checked', message: `${e.reason}` };
    throw e;
  }
}

/** `skip`: rule ids left out, to ask what a CPU that lacks those checks would do (the oracle's known departures). */
export function checkEntry(input: EntryInput, caps: EntryCaps, cpu: CpuFacts = {}, skip?: ReadonlySet<string>): EntryReport {
  const c = new Ctx(input.fields, caps, cpu, input.msrLoad);
  const results = RULES.filter((rule) => !skip?.has(rule.id)).map((rule) => ({ rule, ...evaluate(rule, c) }));
  // The first class with a failing check decides, unless an earlier class has a check left open.
  let decided: Decided = { result: 'enters' };
  let open: (typeof results)[number] | undefined;
  for (const cls of CLASSES) {
    const mine = results.filter((r) => r.rule.class === cls);
    const failed = mine.find((r) => r.status === 'fail');
    if (failed) {
      decided =
        cls === 'control' ? { result: 'vmfail', error: 7 }
        : cls === 'host' ? { result: 'vmfail', error: 8 }
        : cls === 'guest' ? { result: 'entry-failure', exitReason: 0x80000021, qualification: failed.rule.qualification ?? 0 }
        : { result: 'entry-failure', exitReason: 0x80000022, qualification: failed.entry ?? 0 };
      break;
    }
    open ??= mine.find((r) => r.status === 'not-checked');
  }
  const outcome: EntryOutcome = open ? { result: 'undecided', because: `${open.rule.id} was not checked: ${open.message}`, ifOpenPass: decided } : decided;
  const rank = { fail: 0, 'not-checked': 1, pass: 2 } as const;
  const checks = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank[a.r.status] - rank[b.r.status] || a.i - b.i)
    .map(({ r }) => ({ id: r.rule.id, section: r.rule.section, class: r.rule.class, status: r.status, fields: r.rule.fields, message: r.message, ...(r.rule.hint && r.status === 'fail' ? { hint: r.rule.hint } : {}) }));
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return { outcome, checks, counts: { pass: count('pass'), fail: count('fail'), notChecked: count('not-checked') } };
}

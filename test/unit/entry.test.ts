// VM-entry rules, each against a state worked out by hand to break only that rule; the four baselines pass every check.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkEntry, RULES, type EntryReport } from '../../src/core/entry/engine';
import { cpuFacts, entryCaps } from '../../src/core/entry/caps';
import { coffeeLake, GUEST_32, GUEST_64, GUEST_REAL, GUEST_V86 } from './entry-states';
import { BASES, RICH_MSRS, VIOLATIONS, type Violation } from './entry-rules';

function run(fields: Map<number, bigint>, options: { rich?: boolean; widths?: Violation['widths']; msrLoad?: Violation['msrLoad']; msrs?: Record<string, string> } = {}): EntryReport {
  const caps = coffeeLake(options.widths ?? { physical: 39, linear: 48 }, { ...(options.rich ? RICH_MSRS : {}), ...options.msrs });
  return checkEntry({ fields, msrLoad: options.msrLoad }, entryCaps(caps), cpuFacts(caps));
}
const failing = (r: EntryReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const notChecked = (r: EntryReport) => r.checks.filter((c) => c.status === 'not-checked').map((c) => c.id);

function stateOf(v: Violation): Map<number, bigint> {
  const s = BASES[v.base]();
  for (const [k, value] of Object.entries(v.set)) {
    const f = Number(k);
    s.set(f, typeof value === 'function' ? value(s.get(f) ?? 0n) : value);
  }
  return s;
}

describe('VM-entry baselines', () => {
  for (const [name, state] of [['64-bit guest', GUEST_64], ['32-bit protected-mode guest', GUEST_32], ['real-mode guest under unrestricted guest', GUEST_REAL], ['virtual-8086 guest', GUEST_V86]] as const) {
    it(`${name} passes every check`, () => {
      const r = run(state());
      assert.deepEqual(failing(r), []);
      assert.deepEqual(notChecked(r), []);
      assert.deepEqual(r.outcome, { result: 'enters' });
      assert.equal(r.counts.pass, RULES.length);
    });
  }
});

describe('each VM-entry rule', () => {
  it('has a hand-written violation, and ids are unique', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const covered = new Set(VIOLATIONS.map((v) => v.id));
    assert.deepEqual(ids.filter((id) => !covered.has(id)), []);
  });
  for (const v of VIOLATIONS) {
    it(`${v.id}: ${v.expect === 'not-checked' ? 'undecidable from the state alone' : 'fails alone'}`, () => {
      const r = run(stateOf(v), v);
      if (v.expect === 'not-checked') {
        assert.deepEqual(failing(r), []);
        assert.deepEqual(notChecked(r), [v.id]);
        assert.equal(r.outcome.result, 'undecided');
        return;
      }
      assert.deepEqual(failing(r).sort(), [v.id, ...(v.also ?? [])].sort(), r.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`).join('\n'));
      assert.deepEqual(notChecked(r), []);
      // The CPU reports the earliest class that fails: controls, host state, guest state, MSR loading.
      const classes = [v.id, ...(v.also ?? [])].map((id) => RULES.find((x) => x.id === id)!.class);
      const first = ['control', 'host', 'guest', 'msr-load'].find((c) => classes.includes(c as never));
      const expected =
        first === 'control' ? { result: 'vmfail', error: 7 }
        : first === 'host' ? { result: 'vmfail', error: 8 }
        : { result: 'entry-failure', exitReason: first === 'guest' ? 0x80000021 : 0x80000022, qualification: v.qualification ?? 0 };
      assert.deepEqual(r.outcome, expected);
      const message = r.checks.find((c) => c.id === v.id)!.message;
      assert.ok(message.length > 10 && !message.startsWith('does not apply'), message);
    });
  }
});

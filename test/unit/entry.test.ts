// VM-entry rules, each against a state worked out by hand to break only that rule; the four baselines pass every check.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkEntry, RULES, type EntryReport } from '../../src/core/entry/engine';
import { cpuFacts, entryCaps } from '../../src/core/entry/caps';
import { coffeeLake, GUEST_32, GUEST_64, GUEST_REAL, GUEST_V86 } from './entry-states';
import { BASES, RICH_MSRS, VIOLATIONS, type Violation } from './entry-rules';
import { correctedValue } from '../../src/core/entry/correct';

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

describe('VM-entry rules, finer points', () => {
  const inject = (type: number, vector: number, error: boolean) => (1n << 31n) | (BigInt(type) << 8n) | BigInt(vector) | (error ? 1n << 11n : 0n);
  it('an exception injected into a real-mode guest (unrestricted guest, CR0.PE 0) delivers no error code', () => {
    const s = GUEST_REAL();
    s.set(0x4016, inject(3, 13, true));
    assert.deepEqual(failing(run(s)), ['control.event.error-code-bit']);
    s.set(0x4016, inject(3, 13, false));
    assert.deepEqual(failing(run(s)), []);
  });
  it('without unrestricted guest, #GP needs its error code even if guest CR0.PE is 0: the guest-state check on CR0 fails instead', () => {
    const s = GUEST_32();
    s.set(0x6800, 0x80000030n); // PG without PE
    s.set(0x4016, inject(3, 13, true));
    const r = run(s);
    assert.deepEqual(failing(r).sort(), ['guest.cr0.fixed', 'guest.cr0.pg-pe']);
    assert.deepEqual(r.outcome, { result: 'entry-failure', exitReason: 0x80000021, qualification: 0 });
  });
  it('with IA32_VMX_BASIC bit 56, a hardware exception may go without its error code', () => {
    const s = GUEST_64();
    s.set(0x4016, inject(3, 13, false));
    assert.deepEqual(failing(run(s, { msrs: { '0x480': '0x01da040000000004' } })), []);
    s.set(0x4016, inject(4, 0x80, true)); // a software interrupt still may not push one
    s.set(0x401a, 2n);
    assert.deepEqual(failing(run(s, { msrs: { '0x480': '0x01da040000000004' } })), ['control.event.error-code-bit']);
  });
  it('an address above 36 bits is not checked when the physical-address width is unknown, and bits above 51 always fail', () => {
    const s = GUEST_64();
    s.set(0x6802, 1n << 40n);
    const unknown = run(s, { widths: {} });
    assert.deepEqual(notChecked(unknown), ['guest.cr3.width']);
    assert.equal(unknown.outcome.result, 'undecided');
    s.set(0x6802, 1n << 52n);
    assert.deepEqual(failing(run(s, { widths: {} })), ['guest.cr3.width']);
  });
  it('an address canonical only with 57-bit linear addresses is not checked when the width is unknown', () => {
    const s = GUEST_64();
    s.set(0x6826, 0x00ff000000000000n);
    assert.deepEqual(notChecked(run(s, { widths: { physical: 39 } })), ['guest.sysenter-eip.canonical']);
    assert.deepEqual(failing(run(s, { widths: { physical: 39, linear: 48 } })), ['guest.sysenter-eip.canonical']);
    assert.deepEqual(failing(run(s, { widths: { physical: 39, linear: 57 } })), []);
  });
  it('a capability MSR the source lacks leaves the checks that need it open', () => {
    const s = GUEST_64();
    s.set(0x400a, 2n);
    const caps = coffeeLake({ physical: 39, linear: 48 });
    caps.snapshot.msrs!.delete(0x485);
    const r = checkEntry({ fields: s }, entryCaps(caps), cpuFacts(caps));
    assert.ok(notChecked(r).includes('control.cr3-target-count'));
    assert.equal(r.checks.find((c) => c.id === 'control.cr3-target-count')!.message, 'the source lacks IA32_VMX_MISC (MSR 0x485)');
  });
  it('LBR call-stack mode and branch filters depend on CPUID leaf 1CH: not checked', () => {
    const s = GUEST_64();
    s.set(0x4012, s.get(0x4012)! | (1n << 21n));
    s.set(0x2816, 0x9n);
    assert.deepEqual(notChecked(run(s, { rich: true })), ['guest.lbr-ctl']);
  });
});

describe('corrected values', () => {
  const caps = entryCaps(coffeeLake());
  it('a mask check asks for (value | allowed0) & allowed1; other checks ask for nothing', () => {
    assert.equal(correctedValue('control.pin.allowed', 0x4000, new Map([[0x4000, 0x89n]]), caps), 0x1fn);
    assert.equal(correctedValue('guest.cs.type', 0x4816, new Map([[0x4816, 0xa09an]]), caps), undefined);
  });
  it('guest CR0 under unrestricted guest keeps PE and PG as they are', () => {
    const real = GUEST_REAL();
    real.set(0x6800, 0x10n); // NE missing
    assert.equal(correctedValue('guest.cr0.fixed', 0x6800, real, caps), 0x30n);
    assert.equal(correctedValue('guest.cr0.fixed', 0x6800, new Map([[0x6800, 0x10n]]), caps), 0x80000031n);
  });
});

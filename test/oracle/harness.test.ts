// The Bochs harness itself: capability MSRs come back, a hand-built 64-bit guest enters and exits on CPUID,
// and one failure of each kind (control, host state, guest state) is reported the way the SDM says.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { oracleAvailable, runBochs, type OracleCase, type OracleRun } from './bochs';
import { controlDefaults, guest64Writes, hostState, layout } from './layout';

const MODELS = ['core2_penryn_t9600', 'corei7_skylake_x', 'tigerlake'];
const unavailable = oracleAvailable();
if (unavailable) console.log(`Bochs oracle skipped: ${unavailable}`);

const set = (writes: Array<[number, bigint]>, enc: number, value: bigint): Array<[number, bigint]> =>
  writes.map(([e, v]) => [e, e === enc ? value : v]);

for (const model of MODELS) {
  describe(`Bochs ${model}`, { skip: unavailable ?? false }, () => {
    let probe: OracleRun;
    let base: Array<[number, bigint]>;

    it('reads IA32_VMX_BASIC and writes the host state layout.ts describes', async () => {
      probe = await runBochs(model, []);
      assert.notEqual(probe.msrs.get(0x480), undefined);
      assert.notEqual(probe.msrs.get(0x480), null);
      assert.deepEqual(probe.host, hostState(probe.msrs));
      base = guest64Writes(probe.msrs);
      console.log(`${model}: IA32_VMX_BASIC 0x${probe.msrs.get(0x480)!.toString(16)}, boot ${probe.bootMs.toFixed(0)} ms`);
    });

    it('runs the four reference cases', async () => {
      const pin0 = controlDefaults(probe.msrs, 0x481, 0x48d);
      assert.notEqual(pin0, 0n, 'pin-based allowed-0 forces some bits to 1');
      const cr0 = hostState(probe.msrs).get(0x6c00)!;
      const cases: OracleCase[] = [
        { writes: base },
        { writes: set(base, 0x4000, 0n) },
        { writes: [...base, [0x6c00, cr0 & ~(1n << 31n)]] },
        { writes: set(base, 0x6820, 0n) },
      ];
      const run = await runBochs(model, cases);
      const [ok, pin, host, rflags] = run.results;
      assert.deepEqual(ok, { kind: 'enters', exitReason: 10, qualification: 0n });
      assert.equal(pin.kind, 'vmfail');
      assert.equal(pin.kind === 'vmfail' && pin.error, 7);
      assert.match(pin.bochsMessage ?? '', /pin-based controls allowed 0-settings/);
      assert.equal(host.kind, 'vmfail');
      assert.equal(host.kind === 'vmfail' && host.error, 8);
      assert.equal(rflags.kind, 'entry-failure');
      assert.deepEqual(
        rflags.kind === 'entry-failure' && [rflags.exitReason, rflags.qualification],
        [0x80000021, 0n],
      );
      assert.match(rflags.bochsMessage ?? '', /VMENTER FAIL/);
    });

    it('survives guests that never exit, unknown fields, and restores memory a case patched', async () => {
      const run = await runBochs(
        model,
        [
          { writes: set(base, 0x681e, layout.guestHlt) }, // HLT without HLT exiting: never returns
          { writes: [...base, [0x9999, 0n]] }, // no such field: VMfailValid 12
          { writes: base, memory: [[layout.guestCode, 0x0b0fn]] }, // UD2: exception exit (reason 0)
          { writes: set(base, 0x681e, layout.guestSpin) },
          { writes: base }, // the CPUID code is back
        ],
        { timeoutMs: 500 },
      );
      assert.equal(run.boots, 3);
      assert.deepEqual(
        run.results.map((r) => r.kind),
        ['timeout', 'vmwrite-fail', 'enters', 'timeout', 'enters'],
      );
      assert.deepEqual(run.results[1], { kind: 'vmwrite-fail', encoding: 0x9999, error: 12 });
      assert.deepEqual(run.results[2], { kind: 'enters', exitReason: 0, qualification: 0n });
      assert.deepEqual(run.results[4], { kind: 'enters', exitReason: 10, qualification: 0n });
    });

    it('runs 500 copies of the valid case in one boot', async () => {
      const run = await runBochs(model, Array.from({ length: 500 }, () => ({ writes: base })));
      assert.equal(run.boots, 1);
      assert.equal(run.results.length, 500);
      for (const r of run.results) assert.deepEqual(r, { kind: 'enters', exitReason: 10, qualification: 0n });
      console.log(`${model}: boot ${run.bootMs.toFixed(0)} ms, ${run.caseMs.toFixed(3)} ms per case over 500 cases`);
    });

    if (model === 'corei7_skylake_x') {
      it('splits a batch larger than the ROM over several boots', async () => {
        const run = await runBochs(model, Array.from({ length: 4000 }, () => ({ writes: base })));
        assert.ok(run.boots >= 2, `${run.boots} boots`);
        assert.equal(run.results.length, 4000);
        assert.ok(run.results.every((r) => r.kind === 'enters' && r.exitReason === 10));
        console.log(`${model}: 4000 cases in ${run.boots} boots, ${run.caseMs.toFixed(3)} ms per case`);
      });

      it('refuses memory writes into the harness', async () => {
        await assert.rejects(runBochs(model, [{ writes: base, memory: [[layout.hostPml4, 0n]] }]), /would hit the harness/);
      });
    }
  });
}

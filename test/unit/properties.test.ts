// Property-based tests (fast-check): at least 10,000 generated cases per property.
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { adjust, check, diffMasks } from '../../src/core/caps/masks';
import { scanText } from '../../src/core/source/scan';
import { parseSnapshot, SnapshotError, validateSnapshot } from '../../src/core/caps/snapshot';

const RUNS = { numRuns: 10000 };
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const masks = fc.record({ allowed0: u64, allowed1: u64 });
/** Masks as real capability data has them: nothing required that is not allowed. */
const consistent = masks.map((m) => ({ allowed0: m.allowed0 & m.allowed1, allowed1: m.allowed1 }));

/** Either a snapshot or a one-line SnapshotError; anything else fails the property. */
function parsesOrExplains(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    return e instanceof SnapshotError && e.message.length > 0 && !e.message.includes('\n');
  }
}

describe('properties', () => {
  it('the snapshot parser on arbitrary JSON values: a snapshot or a one-line error', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => parsesOrExplains(() => validateSnapshot(v, 'x.vmcs.json'))), RUNS);
  });
  it('the snapshot parser on arbitrary text and bytes: a snapshot or a one-line error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => parsesOrExplains(() => parseSnapshot(s, 'x'))), RUNS);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => parsesOrExplains(() => parseSnapshot(Buffer.from(b).toString('utf8'), 'x'))), RUNS);
  });
  it('the snapshot parser on near-valid snapshots (random keys and values in each section)', () => {
    const value = fc.oneof(u64.map((v) => '0x' + v.toString(16)), fc.string(), fc.integer(), fc.constant(null));
    const doc = fc.record({
      format: fc.constantFrom('vmcs-capabilities', 'other'),
      version: fc.constantFrom(1, 2),
      source: fc.record({ kind: fc.constantFrom('hvf', 'kvm', 'manual', 'x'), description: fc.string() }),
      msrs: fc.dictionary(fc.constantFrom('0x480', '0x481', '0x48b', '0x494', 'x'), value),
      fields: fc.dictionary(fc.constantFrom('0x4000', '0x2001', '0x4026', '0x681e'), fc.record({ allowed0: value, allowed1: value })),
    });
    fc.assert(fc.property(doc, (d) => parsesOrExplains(() => parseSnapshot(JSON.stringify(d), 'x'))), RUNS);
  });
  it('an adjusted value always passes the check, and adjusting is idempotent', () => {
    fc.assert(
      fc.property(consistent, u64, (m, v) => {
        const a = adjust(m, v);
        return check(m, a).length === 0 && adjust(m, a) === a;
      }),
      RUNS,
    );
  });
  it('a value passes the check exactly when adjusting leaves it unchanged', () => {
    fc.assert(fc.property(consistent, u64, (m, v) => (check(m, v).length === 0) === (adjust(m, v) === v)), RUNS);
  });
  it('diff of A with itself is empty; diff(A, B) mirrors diff(B, A)', () => {
    fc.assert(
      fc.property(masks, masks, fc.constantFrom(16, 32, 64), (a, b, bits) => {
        assert.deepEqual(diffMasks(a, a, bits), []);
        const ab = diffMasks(a, b, bits);
        const ba = diffMasks(b, a, bits);
        assert.deepEqual(ba, ab.map((c) => ({ bit: c.bit, from: c.to, to: c.from })));
        return true;
      }),
      RUNS,
    );
  });
  it('the scanner never throws on arbitrary text', () => {
    const pieces = fc.constantFrom('vmcs_write32(', 'VMCS_GUEST_RIP', ', ', ')', '(', '/*', '*/', '//', '"', "'", '\n#if 0\n', '\n#endif\n', '#define X ', '0x4000', '|', '~', '<<', 'cap2ctrl(', 'guest::RIP', ';');
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(pieces, { maxLength: 60 }).map((a) => a.join('')));
    fc.assert(fc.property(text, (t) => {
      scanText(t);
      return true;
    }), RUNS);
  });
  it('scan time stays linear on adversarial input (8 times the input takes well under 64 times as long)', () => {
    const shapes = ['vmcs_write32(VM_ENTRY_CONTROLS, ' + '('.repeat(50), 'GUEST_RIP ', '/*', '"', 'hv_vmx_vcpu_write_vmcs(v, 0x4000, ', 'a'.repeat(100) + ' ', '#if 1\n', '/* c */ #ifdef X\n#else\n', "'", '#', 'ro::'];
    for (const shape of shapes) {
      // The fastest of a few runs: garbage collection makes single runs noisy, a quadratic walk makes all of them slow.
      const time = (n: number) => {
        const text = shape.repeat(Math.ceil(n / shape.length));
        let best = Infinity;
        for (let i = 0; i < 4; i++) {
          const t = process.hrtime.bigint();
          scanText(text);
          best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
        }
        return best;
      };
      const small = time(100_000);
      const large = time(800_000);
      assert.ok(large < small * 8 * 3 + 10, `${JSON.stringify(shape.slice(0, 20))}: ${small.toFixed(1)} ms for 100 KB, ${large.toFixed(1)} ms for 800 KB`);
    }
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bitRanges, nibbles, parseHex64, parseInteger } from '../../src/core/catalogue/hex';
import { adjust, bitState, check, classify, diffMasks, stateMasks } from '../../src/core/caps/masks';

// Pin-based controls of a Skylake: allowed0 0x16 (bits 1, 2, 4), allowed1 0x7f (bits 0-6).
const PIN = { allowed0: 0x16n, allowed1: 0x7fn };

describe('masks', () => {
  it('classifies each bit by the (allowed0, allowed1) pair', () => {
    assert.equal(bitState(PIN, 0), 'free');
    assert.equal(bitState(PIN, 1), 'must-be-1');
    assert.equal(bitState(PIN, 7), 'must-be-0');
    assert.equal(bitState({ allowed0: 0x100n, allowed1: 0n }, 8), 'undefined');
    const states = classify(PIN, 32).map((b) => b.state);
    assert.deepEqual(states.slice(0, 8), ['free', 'must-be-1', 'must-be-1', 'free', 'must-be-1', 'free', 'free', 'must-be-0']);
    assert.equal(states.length, 32);
  });
  it('state masks cover the width exactly once', () => {
    const s = stateMasks(PIN, 32);
    assert.equal(s.mustBe1, 0x16n);
    assert.equal(s.free, 0x69n);
    assert.equal(s.mustBe0, 0xffffff80n);
    assert.equal(s.undefined, 0n);
  });
  it('check names clear must-be-1 bits and set must-be-0 bits', () => {
    assert.deepEqual(check(PIN, 0n).map((v) => v.bit), [1, 2, 4]);
    assert.deepEqual(check(PIN, 0x96n).map((v) => [v.bit, v.state, v.value]), [[7, 'must-be-0', 1]]);
    assert.deepEqual(check(PIN, 0x17n), []);
  });
  it('adjust is (value | allowed0) & allowed1', () => {
    assert.equal(adjust(PIN, 0n), 0x16n);
    assert.equal(adjust(PIN, 0x89n), 0x1fn); // bit 7 dropped, bits 1, 2, 4 added, bits 0, 3 kept
  });
  it('diff lists the bits whose state changed, both ways', () => {
    const other = { allowed0: 0x16n, allowed1: 0xffn };
    assert.deepEqual(diffMasks(PIN, other, 32), [{ bit: 7, from: 'must-be-0', to: 'free' }]);
    assert.deepEqual(diffMasks(other, PIN, 32), [{ bit: 7, from: 'free', to: 'must-be-0' }]);
    assert.deepEqual(diffMasks(PIN, PIN, 32), []);
  });
});

describe('hex and integer parsing', () => {
  it('snapshot hex strings: 0x and 1-16 hex digits only', () => {
    assert.equal(parseHex64('0x7f00000016'), 0x7f00000016n);
    assert.equal(parseHex64('0xFFFFFFFFFFFFFFFF'), (1n << 64n) - 1n);
    for (const bad of ['0x10000000000000000', '-0x1', '12', '0x', 'x12', 12, null]) assert.equal(parseHex64(bad), undefined, String(bad));
  });
  it('typed values: hex, binary, decimal, C suffixes; negatives and 2^64 rejected', () => {
    assert.deepEqual(parseInteger('0x16'), { value: 0x16n });
    assert.deepEqual(parseInteger('0b1011'), { value: 11n });
    assert.deepEqual(parseInteger('22'), { value: 22n });
    assert.deepEqual(parseInteger('0x16ULL'), { value: 0x16n });
    assert.match((parseInteger('-1') as { error: string }).error, /negative/);
    assert.match((parseInteger('18446744073709551616') as { error: string }).error, /64 bits/);
    assert.match((parseInteger('0x1_0000_0000_0000_0000') as { error: string }).error, /64 bits/);
    assert.match((parseInteger('abc') as { error: string }).error, /not an integer/);
  });
  it('formats bit lists and binary', () => {
    assert.equal(bitRanges([1, 2, 4]), '1, 2, 4');
    assert.equal(bitRanges([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 16, 17]), '0-8, 10, 11, 13, 14, 16, 17');
    assert.equal(nibbles(0x16n, 16), '0000 0000 0001 0110');
  });
});

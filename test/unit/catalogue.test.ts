import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { decode, encode, TYPES, WIDTHS } from '../../src/core/catalogue/encoding';

describe('field catalogue', () => {
  const cat = catalogue();
  it('every record agrees with the bits of its encoding', () => {
    for (const r of cat.records) {
      assert.equal(r.encoding & 1, r.access === 'high' ? 1 : 0, r.hex);
      assert.equal((r.encoding >> 1) & 0x1ff, r.index, r.hex);
      assert.equal(TYPES[(r.encoding >> 10) & 3], r.type, r.hex);
      assert.equal(WIDTHS[(r.encoding >> 13) & 3], r.width, r.hex);
      assert.equal(r.encoding & 0xffff9000, 0, `${r.hex}: reserved bits`);
      assert.equal(r.hex, '0x' + r.encoding.toString(16).padStart(4, '0'));
    }
  });
  it('every alias and the SDM name resolve back to their own record', () => {
    let names = 0;
    for (const r of cat.records) {
      for (const n of cat.namesOf(r)) {
        assert.equal(cat.find(n), r, `${n} -> ${r.hex}`);
        names++;
      }
      assert.equal(cat.find(r.hex), r);
      assert.equal(cat.find(String(r.encoding)), r);
    }
    assert.ok(names > 1500, `only ${names} names`);
  });
  it('64-bit fields have a high half and nothing else does', () => {
    for (const r of cat.records) {
      if (r.access === 'high') assert.equal(r.full?.encoding, r.encoding - 1);
      else assert.equal(cat.byEncodingNumber(r.encoding + 1)?.access === 'high', r.width === '64', r.hex);
    }
  });
  it('includes the recent fields', () => {
    for (const enc of [0x2034, 0x2044, 0x2040, 0x0006, 0x2038, 0x203a, 0x203e, 0x2036, 0x204a, 0x204c, 0x2818, 0x6828, 0x682a, 0x682c, 0x6c18, 0x2816, 0x4024, 0x281a, 0x2c08, 0x2052, 0x2404]) {
      assert.ok(cat.byEncodingNumber(enc), enc.toString(16));
    }
  });
  it('resolves the names of every scheme, exact first then ignoring case', () => {
    const expect: [string, number][] = [
      ['VMCS_CTRL_PIN_BASED', 0x4000], ['PIN_BASED_VM_EXEC_CONTROL', 0x4000], ['VMCS_PIN_BASED_CTLS', 0x4000],
      ['GUEST_CR0', 0x6800], ['VMCS_GUEST_CR0', 0x6800], ['0x2034', 0x2034], ['16384', 0x4000], ['guest_rip', 0x681e],
      ['IO_BITMAP_A_HIGH', 0x2001], ['Guest RIP', 0x681e], ['VMX_VMCS32_CTRL_PIN_EXEC', 0x4000],
    ];
    for (const [q, enc] of expect) assert.equal(cat.find(q)?.encoding, enc, q);
  });
  it('explains queries it cannot resolve', () => {
    assert.match((cat.resolve('NOT_A_FIELD') as { error: string }).error, /unknown VMCS field/);
    assert.match((cat.resolve('0x4026') as { error: string }).error, /no VMCS field has it/);
    assert.match((cat.resolve('0x5000') as { error: string }).error, /not a valid VMCS field encoding/);
  });
});

describe('encoding', () => {
  it('decode and encode round-trip every valid 15-bit encoding', () => {
    let valid = 0;
    for (let e = 0; e < 0x8000; e++) {
      const d = decode(e);
      if (!d) continue;
      valid++;
      assert.equal(encode(d), e);
    }
    // bit 12 must be 0 (half of 2^15), and high access only for 64-bit (1/4 of the odd ones are valid)
    assert.equal(valid, 0x4000 / 2 + 0x4000 / 8);
  });
  it('rejects reserved bits', () => {
    assert.equal(decode(0x1000), undefined);
    assert.equal(decode(0x8000), undefined);
    assert.equal(decode(0x4001), undefined); // high access of a 32-bit field
  });
});

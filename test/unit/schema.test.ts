// The JSON Schema the editor uses for *.vmcs.json must agree with the parser on valid and invalid files.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { profileIds, profileJson } from '../../src/capabilities/profiles';
import { parseSnapshot } from '../../src/core/caps/snapshot';
import { ROOT } from './helpers';

const schema = JSON.parse(readFileSync(join(ROOT, 'src', 'core', 'caps', 'data', 'snapshot.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const base = { format: 'vmcs-capabilities', version: 1, source: { kind: 'manual', description: 'x', capturedAt: '2026-01-01T00:00:00Z' }, msrs: { '0x481': '0x7f00000016' } };

describe('snapshot JSON Schema', () => {
  it('accepts every embedded profile', () => {
    for (const id of profileIds()) assert.ok(validate(profileJson(id)), `${id}: ${ajv.errorsText(validate.errors)}`);
  });
  const cases: [string, unknown][] = [
    ['a mask that is a number', { ...base, fields: { '0x4000': { allowed0: 22, allowed1: '0x7f' } } }],
    ['a value of 2^64', { ...base, msrs: { '0x481': '0x10000000000000000' } }],
    ['a negative value', { ...base, msrs: { '0x481': '-0x1' } }],
    ['an MSR outside 0x480-0x493', { ...base, msrs: { '0x494': '0x1' } }],
    ['an unknown top-level key', { ...base, extra: 1 }],
    ['no capability data', { format: base.format, version: 1, source: base.source }],
    ['a wrong version', { ...base, version: 2 }],
    ['an unknown source kind', { ...base, source: { kind: 'cloud', description: 'x' } }],
    ['an unknown capability name', { ...base, hvCaps: { HV_VMX_CAP_BOGUS: '0x1' } }],
  ];
  for (const [name, doc] of cases) {
    it(`rejects ${name}, as the parser does`, () => {
      assert.equal(validate(doc), false);
      assert.throws(() => parseSnapshot(JSON.stringify(doc), 'x'));
    });
  }
  it('accepts what the parser accepts', () => {
    const doc = { ...base, hvCaps: { HV_VMX_CAP_PINBASED: '0x7f00000016' }, fields: { '0x4000': { allowed0: '0x16', allowed1: '0x7f' } } };
    assert.ok(validate(doc), ajv.errorsText(validate.errors));
    assert.ok(parseSnapshot(JSON.stringify(doc), 'x'));
  });
});

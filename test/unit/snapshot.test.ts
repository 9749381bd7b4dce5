import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseSnapshot, serializeSnapshot, SnapshotError } from '../../src/core/caps/snapshot';

const VALID = `{
  "format": "vmcs-capabilities",
  "version": 1,
  "source": { "kind": "manual", "description": "hand-written" },
  "msrs": { "0x480": "0x00da040000000004", "0x481": "0x0000007f00000016" },
  "fields": { "0x4000": { "allowed0": "0x16", "allowed1": "0x7f" } }
}`;

function error(text: string): string {
  try {
    parseSnapshot(text, 'x.vmcs.json');
  } catch (e) {
    assert.ok(e instanceof SnapshotError, `not a SnapshotError: ${e}`);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return (e as Error).message;
  }
  assert.fail('accepted invalid snapshot');
}

const edit = (f: (o: Record<string, any>) => void) => {
  const o = JSON.parse(VALID);
  f(o);
  return JSON.stringify(o, null, 2);
};

describe('snapshot format v1', () => {
  it('parses a valid snapshot into BigInt maps', () => {
    const s = parseSnapshot(VALID, 'x');
    assert.equal(s.msrs?.get(0x481), 0x7f00000016n);
    assert.deepEqual(s.fields?.get(0x4000), { allowed0: 0x16n, allowed1: 0x7fn });
    assert.equal(s.source.kind, 'manual');
  });
  it('a file with only msrs is complete', () => {
    const s = parseSnapshot(edit((o) => delete o.fields), 'x');
    assert.equal(s.fields, undefined);
  });
  it('round-trips through serialize', () => {
    const s = parseSnapshot(VALID, 'x');
    assert.deepEqual(parseSnapshot(serializeSnapshot(s), 'y'), s);
    assert.match(serializeSnapshot(s), /"0x481": "0x7f00000016"/);
  });
  it('bad JSON names the file, line and column', () => {
    assert.match(error('{\n  "format": "vmcs-capabilities",\n  "version": 1,,\n}'), /^x\.vmcs\.json:3:\d+: not valid JSON/);
  });
  it('a mask that is not a hex string names the key path and line', () => {
    const m = error(edit((o) => (o.fields['0x4000'].allowed1 = 127)));
    assert.match(m, /^x\.vmcs\.json:\d+: fields\["0x4000"\]\.allowed1: expected a hex string/);
    assert.match(error(edit((o) => (o.msrs['0x481'] = '7f00000016'))), /msrs\["0x481"\]: expected a hex string/);
  });
  it('values of 2^64 or more and negative values are rejected', () => {
    assert.match(error(edit((o) => (o.msrs['0x481'] = '0x10000000000000000'))), /2\^64 or more/);
    assert.match(error(edit((o) => (o.msrs['0x481'] = '-0x1'))), /negative/);
  });
  it('unknown fields, MSRs, capabilities and keys are named', () => {
    assert.match(error(edit((o) => (o.fields['0x4026'] = { allowed0: '0x0', allowed1: '0x0' }))), /fields\["0x4026"\]: unknown VMCS field/);
    assert.match(error(edit((o) => (o.fields['0x2001'] = { allowed0: '0x0', allowed1: '0x0' }))), /high half/);
    assert.match(error(edit((o) => (o.msrs['0x3a'] = '0x5'))), /msrs\["0x3a"\]: not a VMX capability MSR/);
    assert.match(error(edit((o) => (o.hvCaps = { HV_VMX_CAP_BOGUS: '0x1' }))), /hvCaps\.HV_VMX_CAP_BOGUS: not a Hypervisor\.framework capability/);
    assert.match(error(edit((o) => (o.msr = {}))), /^x\.vmcs\.json:\d+: msr: unknown key/);
    assert.match(error(edit((o) => (o.fields['0x4000'].allowed2 = '0x1'))), /allowed2: unknown key/);
  });
  it('format, version, source and emptiness are checked', () => {
    assert.match(error(edit((o) => (o.format = 'other'))), /format: expected "vmcs-capabilities"/);
    assert.match(error(edit((o) => (o.version = 2))), /version: unsupported version/);
    assert.match(error(edit((o) => (o.source.kind = 'cloud'))), /source\.kind: expected one of hvf, kvm, msr, profile, manual/);
    assert.match(error(edit((o) => delete o.source.description)), /source\.description: missing/);
    assert.match(error(edit((o) => (o.source.capturedAt = 'yesterday'))), /capturedAt: expected an ISO-8601 date/);
    assert.match(error(edit((o) => { delete o.msrs; delete o.fields; })), /no capability data/);
    assert.match(error('[1, 2]'), /expected a JSON object, got an array/);
    assert.match(error('null'), /expected a JSON object, got null/);
  });
});

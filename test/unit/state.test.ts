// VMCS state files and `vmcs check`: the parser, its JSON Schema, the CLI contract (DESIGN.md §4) and, as properties,
// that no state (random values, random subsets of fields) makes the engine throw.
import Ajv from 'ajv';
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { checkEntry, RULES } from '../../src/core/entry/engine';
import { cpuFacts, entryCaps } from '../../src/core/entry/caps';
import { parseState, StateError } from '../../src/core/dump/state-file';
import { coffeeLake, GUEST_64 } from './entry-states';
import { ROOT, runCli, writeTemp } from './helpers';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'workspace', 'entry');
const schema = JSON.parse(readFileSync(join(ROOT, 'src', 'core', 'dump', 'data', 'state.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const doc = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ format: 'vmcs-state', version: 1, fields, ...extra });

describe('VMCS state files', () => {
  it('take encodings and names of any scheme, and merge a high half into its field', () => {
    const s = parseState(doc({ '0x4000': '0x16', VMCS_GUEST_CR0: '0x80000031', 'VmcsField::kGuestCr4': '0x2020', VMCS_LINK_POINTER_HIGH: '0xffffffff' }), 'x');
    assert.equal(s.fields.get(0x4000), 0x16n);
    assert.equal(s.fields.get(0x6800), 0x80000031n);
    assert.equal(s.fields.get(0x6804), 0x2020n);
    assert.equal(s.fields.get(0x2800), 0xffffffff00000000n);
  });
  const bad: [string, string, RegExp][] = [
    ['an unknown field', doc({ GUEST_CR0: '0x1', NOT_A_FIELD: '0x1' }), /x:1: fields\.NOT_A_FIELD: unknown VMCS field/],
    ['a value wider than the field', doc({ GUEST_CS_SELECTOR: '0x10000' }), /fields\.GUEST_CS_SELECTOR: 0x10000 is wider than the field \(16 bits\)/],
    ['a 32-bit field given 33 bits', doc({ '0x4000': '0x100000000' }), /fields\["0x4000"\]: 0x100000000 is wider than the field \(32 bits\)/],
    ['a value that is not hex', doc({ GUEST_CR0: '12' }), /fields\.GUEST_CR0: expected a hex string/],
    ['a number instead of a string', doc({ GUEST_CR0: 12 }), /fields\.GUEST_CR0: expected a hex string/],
    ['a key given twice', '{"format":"vmcs-state","version":1,"fields":{\n"GUEST_CR0":"0x1",\n"GUEST_CR0":"0x2"}}', /x:3: fields\.GUEST_CR0: given twice/],
    ['one field under two names', doc({ GUEST_CR0: '0x1', '0x6800': '0x2' }), /fields\["0x6800"\]: the same field as "GUEST_CR0" \(0x6800\)/],
    ['a 64-bit field and its high half', doc({ VMCS_LINK_POINTER_HIGH: '0xffffffff', '0x2800': '0xffffffff' }), /fields\["0x2800"\]: the same field as "VMCS_LINK_POINTER_HIGH"/],
    ['a wrong format', doc({}, { format: 'vmcs-capabilities' }), /format: expected "vmcs-state"/],
    ['broken JSON', '{"format": "vmcs-state",', /x:1:\d+: not valid JSON/],
    ['a bad MSR-load entry', doc({ GUEST_CR0: '0x1' }, { msrLoad: [{ index: '0x1000000000', value: '0x0' }] }), /msrLoad\[0\]\.index: expected a hex string of at most 32 bits/],
  ];
  for (const [what, text, message] of bad) {
    it(`reject ${what} with one line naming the key`, () => {
      assert.throws(() => parseState(text, 'x'), (e: Error) => e instanceof StateError && message.test(e.message) && !e.message.includes('\n'));
    });
  }
  it('agree with their JSON Schema on the fixtures and on values that are not hex', () => {
    for (const f of ['long-mode.vmcs-state.json', 'bad-guest.vmcs-state.json']) assert.ok(validate(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8'))), f);
    assert.equal(validate(JSON.parse(doc({ GUEST_CR0: '12' }))), false);
    assert.equal(validate(JSON.parse(doc({ GUEST_CR0: '0x1' }, { extra: 1 }))), false);
  });
});

describe('vmcs check', () => {
  it('--json follows the contract: outcome, failing checks first with section, class, fields and message, counts', () => {
    const r = runCli(['check', join(FIXTURES, 'bad-guest.vmcs-state.json'), '--source', 'profile:coffeelake-i7-9750h', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.source.id, 'profile:coffeelake-i7-9750h');
    assert.equal(out.input.format, 'vmcs-state');
    assert.equal(out.input.fields['0x4816'], '0xa09a');
    assert.deepEqual(out.input.warnings, []);
    assert.deepEqual({ ...out.outcome, text: undefined }, { result: 'entry-failure', exitReason: '0x80000021', qualification: '0x0', text: undefined });
    assert.deepEqual(out.checks.slice(0, 2).map((c: { id: string }) => c.id), ['guest.cs.type', 'guest.rflags.reserved']);
    assert.deepEqual(out.checks[0], { id: 'guest.cs.type', section: '27.3.1.2', class: 'guest', status: 'fail', fields: ['0x4816'], message: 'CS access rights 0xa09a has type 10 (expected 9, 11, 13 or 15)', hint: 'a code segment needs the accessed bit: type 11 (0xb) for execute/read' });
    assert.equal(out.checks.length, RULES.length);
    assert.deepEqual(out.counts, { pass: RULES.length - 2, fail: 2, notChecked: 0 });
  });
  it('exits 0 on a state that enters, and reads stdin', () => {
    const text = readFileSync(join(FIXTURES, 'long-mode.vmcs-state.json'), 'utf8');
    const r = runCli(['check', writeTemp('ok.vmcs-state.json', text), '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /outcome: enters/);
    const stdin = require('node:child_process').spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', '-', '--source', 'profile:coffeelake-i7-9750h', '--json'], { input: text, encoding: 'utf8' });
    assert.equal(stdin.status, 0, stdin.stderr);
    assert.equal(JSON.parse(stdin.stdout).outcome.result, 'enters');
  });
  it('says which checks a partial state leaves open, and never counts them as passed', () => {
    const r = runCli(['check', writeTemp('part.vmcs-state.json', doc({ PIN_BASED_VM_EXEC_CONTROL: '0x16', GUEST_RFLAGS: '0x2' })), '--source', 'profile:coffeelake-i7-9750h', '--json']);
    const out = JSON.parse(r.stdout);
    assert.equal(r.status, 0);
    assert.equal(out.outcome.result, 'undecided');
    assert.ok(out.counts.notChecked > 150);
    assert.equal(out.checks.find((c: { id: string }) => c.id === 'control.proc.allowed').status, 'not-checked');
    assert.equal(out.checks.find((c: { id: string }) => c.id === 'control.pin.allowed').status, 'pass');
  });
  it('exits 2 with one line naming the key on a bad state file', () => {
    const r = runCli(['check', writeTemp('bad.vmcs-state.json', doc({ GUEST_CS_SELECTOR: '0x10000' }))]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vmcs: .*bad\.vmcs-state\.json:1: fields\.GUEST_CS_SELECTOR: 0x10000 is wider than the field \(16 bits\)\n$/);
  });
});

describe('VM-entry engine properties', () => {
  const caps = coffeeLake();
  const ec = entryCaps(caps), cpu = cpuFacts(caps);
  const encodings = catalogue().records.filter((r) => r.access === 'full').map((r) => r.encoding);
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  it('never throws on 10,000 random states (random subsets of fields, random values, mutated baselines)', () => {
    const random = fc.array(fc.tuple(fc.constantFrom(...encodings), u64), { maxLength: 120 }).map((pairs) => new Map(pairs));
    const mutated = fc.array(fc.tuple(fc.constantFrom(...encodings), u64), { maxLength: 4 }).map((pairs) => new Map([...GUEST_64(), ...pairs]));
    fc.assert(
      fc.property(fc.oneof(random, mutated), (fields) => {
        const r = checkEntry({ fields }, ec, cpu);
        return r.checks.length === RULES.length && r.counts.pass + r.counts.fail + r.counts.notChecked === RULES.length;
      }),
      { numRuns: 10000 },
    );
  });
});

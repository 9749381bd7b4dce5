import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REFERENCE, runCli, writeTemp } from './helpers';

const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { dumps: { cpu: string; msrs: Record<string, string> }[] };

function snapshotWithOnlyMsrs(msrs: Record<string, string>): string {
  return writeTemp('cpu.vmcs.json', JSON.stringify({ format: 'vmcs-capabilities', version: 1, source: { kind: 'manual', description: 'test' }, msrs }));
}

/** An independent, deliberately naive reading of the SDM rules for the four split control MSRs. */
function naiveControl(msrs: Record<string, string>, plain: string, trueMsr: string) {
  const basic = BigInt(msrs['0x480']);
  const v = BigInt(msrs[(basic >> 55n) & 1n ? trueMsr : plain]);
  return { allowed0: '0x' + (v & 0xffffffffn).toString(16), allowed1: '0x' + (v >> 32n).toString(16) };
}

describe('vmcs lookup', () => {
  it('resolves names of every scheme and raw encodings', () => {
    const r = runCli(['lookup', '--json', '0x4000', 'VMCS_CTRL_PIN_BASED', 'PIN_BASED_VM_EXEC_CONTROL', 'GUEST_CR0', 'VMCS_GUEST_CR0', '0x2034']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.map((x: { encoding: string }) => x.encoding), ['0x4000', '0x4000', '0x4000', '0x6800', '0x6800', '0x2034']);
    assert.equal(out[0].width, '32');
    assert.equal(out[0].type, 'control');
    assert.equal(out[0].access, 'full');
    assert.equal(out[3].width, 'natural');
    assert.equal(out[3].type, 'guest');
    assert.equal(out[5].width, '64');
    assert.ok(out[0].aliases.apple.includes('VMCS_CTRL_PIN_BASED'));
    assert.ok(out[0].aliases.linux.includes('PIN_BASED_VM_EXEC_CONTROL'));
  });
  it('reports an unknown query as an error entry and exits 1', () => {
    const r = runCli(['lookup', '--json', 'GUEST_RIP', 'NOT_A_FIELD']);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out[0].encoding, '0x681e');
    assert.equal(out[1].query, 'NOT_A_FIELD');
    assert.match(out[1].error, /unknown VMCS field/);
  });
  it('looks up control bits by the names of every scheme, with the state on --source', () => {
    const names = ['SecondaryControls::ENABLE_EPT', 'IA32_VMX_PROCBASED_CTLS2_ENABLE_EPT_FLAG', 'VMX_PROCBASED_CTLS2_EPT', 'ENABLE_EPT', 'CPU_BASED_CTL2_ENABLE_EPT', 'SECONDARY_EXEC_ENABLE_EPT', 'enable ept'];
    const r = runCli(['lookup', '--json', ...names, '--source', 'profile:conroe-core2-x6800']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const x of out) {
      assert.equal(x.kind, 'bit', x.query);
      assert.deepEqual([x.control.encoding, x.bit, x.mask, x.name], ['0x401e', 1, '0x2', 'Enable EPT'], x.query);
      assert.equal(x.state, 'must-be-0', x.query); // Conroe has no secondary controls
    }
    assert.ok(out[0].aliases['ia32-doc'].includes('IA32_VMX_PROCBASED_CTLS2_ENABLE_EPT_BIT'));
    assert.ok(out[0].aliases['rust-x86'].includes('SecondaryControls::ENABLE_EPT'));
    const pin = JSON.parse(runCli(['lookup', '--json', 'PIN_BASED_NMI_EXITING', '--source', 'profile:coffeelake-i7-9750h']).stdout)[0];
    assert.deepEqual([pin.control.key, pin.bit, pin.state], ['pin', 3, 'free']);
    assert.equal(JSON.parse(runCli(['lookup', '--json', 'PIN_BASED_NMI_EXITING']).stdout)[0].state, undefined); // no source asked
  });
  it('names the closest known names of an unknown one on stderr', () => {
    const r = runCli(['lookup', 'PIN_BASED_VM_EXEC_CONTRL', 'VmcsGuestNW::RPI', 'ZZZZZZZZZZZZ']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^vmcs: unknown VMCS field or control bit "PIN_BASED_VM_EXEC_CONTRL"; did you mean PIN_BASED_VM_EXEC_CONTROL\b/);
    assert.match(lines[1], /did you mean VmcsGuestNW::RIP\b/);
    assert.doesNotMatch(lines[2], /did you mean/);
    const json = JSON.parse(runCli(['lookup', '--json', 'GUEST_RIPP']).stdout)[0];
    assert.equal(json.suggestions[0], 'GUEST_RIP');
  });
});

describe('vmcs scan: severity, exit status and --accessors', () => {
  it('a hint alone (a field this CPU lacks) exits 0; a warning exits 1', () => {
    const hint = writeTemp('hint.c', 'if (cpu_has_tsc_scaling()) vmcs_write64(TSC_MULTIPLIER, 1);\n');
    const h = runCli(['scan', hint, '--json', '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(h.status, 0, h.stderr);
    assert.deepEqual(JSON.parse(h.stdout).files[0].violations.map((v: { kind: string; severity: string }) => [v.kind, v.severity]), [['missing-field', 'hint']]);
    const warn = writeTemp('warn.c', 'vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, 0);\n');
    const w = runCli(['scan', warn, '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(w.status, 1);
    assert.match(w.stdout, /warn\.c:1:\d+: warning: writes 0x0 to Pin-based VM-execution controls/);
    assert.match(w.stdout, /1 finding \(1 warning or error\)/);
  });
  it("reads a project's own accessors from --accessors, and names a bad entry", () => {
    const src = writeTemp('own.c', 'my_put(vcpu, 7, PIN_BASED_VM_EXEC_CONTROL, 0);\n');
    const before = runCli(['scan', src, '--json', '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(JSON.parse(before.stdout).files[0].violations.length, 0);
    const acc = writeTemp('acc.json', JSON.stringify([{ name: 'my_put', field: 2, value: 3 }]));
    const after = runCli(['scan', src, '--json', '--accessors', acc, '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(after.status, 1, after.stderr);
    assert.deepEqual(JSON.parse(after.stdout).files[0].violations.map((v: { encoding: string; value: string }) => [v.encoding, v.value]), [['0x4000', '0x0']]);
    const bad = writeTemp('bad.json', JSON.stringify([{ name: 'my_put', field: 'two' }]));
    const b = runCli(['scan', src, '--accessors', bad]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /^vmcs: .*bad\.json\[0\]\.field: expected an argument index 0-15\n$/);
    const notJson = writeTemp('nj.json', '[{');
    assert.match(runCli(['scan', src, '--accessors', notJson]).stderr, /^vmcs: .*nj\.json: not JSON/);
  });
});

describe('vmcs masks --source snapshot:<only msrs>', () => {
  for (const dump of reference.dumps) {
    it(`${dump.cpu.slice(0, 40)}: control masks follow the SDM rules`, () => {
      const r = runCli(['masks', '--json', '--source', `snapshot:${snapshotWithOnlyMsrs(dump.msrs)}`]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const byEnc = new Map(out.fields.map((f: { encoding: string }) => [f.encoding, f]));
      const pick = (e: string) => byEnc.get(e) as { allowed0: string; allowed1: string; exists: boolean };
      for (const [enc, plain, tru] of [['0x4000', '0x481', '0x48d'], ['0x4002', '0x482', '0x48e'], ['0x400c', '0x483', '0x48f'], ['0x4012', '0x484', '0x490']]) {
        const { allowed0, allowed1 } = pick(enc);
        assert.deepEqual({ allowed0, allowed1 }, naiveControl(dump.msrs, plain, tru), enc);
      }
      const hasSecondary = (BigInt(dump.msrs['0x482']) >> 63n) & 1n;
      assert.equal(pick('0x401e').exists, hasSecondary === 1n);
      assert.equal(pick('0x401e').allowed1, hasSecondary ? '0x' + (BigInt(dump.msrs['0x48b']) >> 32n).toString(16) : '0x0');
      assert.equal(pick('0x6800').allowed0, '0x' + BigInt(dump.msrs['0x486']).toString(16));
      assert.equal(pick('0x6804').allowed1, '0x' + BigInt(dump.msrs['0x489']).toString(16));
      assert.equal(out.fields.length, out.fields.filter((f: { allowed0: unknown }) => typeof f.allowed0 === 'string').length);
    });
  }
  it('names the fields it was asked for', () => {
    const r = runCli(['masks', '--json', 'VMCS_CTRL_PIN_BASED', '--source', 'profile:conroe-core2-x6800']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.fields, [{ encoding: '0x4000', name: 'Pin-based VM-execution controls', allowed0: '0x16', allowed1: '0x1f', exists: true, writable: true, basis: 'IA32_VMX_PINBASED_CTLS (0x481)' }]);
    assert.equal(out.source.id, 'profile:conroe-core2-x6800');
  });
});

describe('vmcs bits', () => {
  it('names the must-be-1 bits of the primary controls as violations of 0 and prints the adjusted value', () => {
    // Coffee Lake TRUE procbased allowed-0 0x04006172: bits 1, 4, 5, 6, 8, 13, 14, 26
    const r = runCli(['bits', '0x4002', '--value', '0', '--source', 'profile:coffeelake-i7-9750h', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.violations.map((v: { bit: number }) => v.bit), [1, 4, 5, 6, 8, 13, 14, 26]);
    assert.ok(out.violations.every((v: { state: string }) => v.state === 'must-be-1'));
    assert.equal(out.violations[0].name, 'reserved (default1)');
    assert.equal(out.adjusted, '0x4006172');
    assert.equal(out.bits.find((b: { bit: number }) => b.bit === 31).name, 'Activate secondary controls');
    const text = runCli(['bits', '0x4002', '--value', '0', '--source', 'profile:coffeelake-i7-9750h']);
    assert.match(text.stdout, /violation: bit 26 \(reserved \(default1\)\) must be 1/);
    assert.match(text.stdout, /adjusted\s+0x04006172/);
  });
  it('a set must-be-0 bit is named', () => {
    const r = runCli(['bits', 'PIN_BASED_VM_EXEC_CONTROL', '--value', '0x96', '--source', 'profile:skylake-i7-6700k', '--json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.violations, [{ bit: 7, name: 'Process posted interrupts', state: 'must-be-0' }]);
    assert.equal(out.adjusted, '0x16');
  });
});

describe('vmcs profiles', () => {
  it('lists the embedded profiles with their sources and the default', () => {
    const out = JSON.parse(runCli(['profiles', '--json']).stdout);
    assert.ok(out.length >= 24, `${out.length} profiles`);
    assert.equal(out.filter((p: { default: boolean }) => p.default).length, 1);
    // Every CPU of the shared reference data is one of them, MSR for MSR.
    const msrsOf = (m: Record<string, string>) => JSON.stringify(Object.entries(m).map(([k, v]) => [parseInt(k, 16), BigInt(v).toString(16)]).sort((a, b) => Number(a[0]) - Number(b[0])));
    const embedded = new Set(out.map((p: { id: string }) => msrsOf(JSON.parse(runCli(['capture', '--source', `profile:${p.id}`]).stdout).msrs)));
    for (const d of reference.dumps) assert.ok(embedded.has(msrsOf(d.msrs)), d.cpu);
    assert.ok(out.every((p: { reference: string }) => p.reference.length > 10));
  });
});

describe('invalid input exits 2 with one vmcs: line', () => {
  const expectUsage = (args: string[], pattern: RegExp) => {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^vmcs: /);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  };
  it('bad JSON in a snapshot', () => {
    const p = writeTemp('bad.vmcs.json', '{ "format": ');
    expectUsage(['masks', '--source', `snapshot:${p}`], /bad\.vmcs\.json:1:\d+: not valid JSON/);
  });
  it('an unknown field', () => expectUsage(['masks', 'NOT_A_FIELD'], /unknown VMCS field "NOT_A_FIELD"/));
  it('a mask that is not a hex string', () => {
    const p = writeTemp('m.vmcs.json', JSON.stringify({ format: 'vmcs-capabilities', version: 1, source: { kind: 'manual', description: 'x' }, fields: { '0x4000': { allowed0: 22, allowed1: '0x7f' } } }));
    expectUsage(['bits', '0x4000', '--source', `snapshot:${p}`], /fields\["0x4000"\]\.allowed0: expected a hex string/);
  });
  it('a value of 2^64 or more', () => expectUsage(['bits', '0x4000', '--value', '0x10000000000000000'], /does not fit in 64 bits/));
  it('a negative value', () => expectUsage(['bits', '0x4000', '--value=-1'], /negative/));
  it('a value wider than the field', () => expectUsage(['bits', '0x4000', '--value', '0x100000000'], /does not fit the 32-bit field/));
  it('an unknown option, command, source or profile', () => {
    expectUsage(['masks', '--bogus'], /bogus/);
    expectUsage(['frobnicate'], /unknown command/);
    expectUsage(['masks', '--source', 'cloud'], /unknown source/);
    expectUsage(['masks', '--source', 'profile:pentium-pro'], /unknown profile/);
  });
  it('check and decode of an input with no field in it (nothing to check, not 227 checks left open)', () => {
    const p = writeTemp('notes.txt', 'QEMU says hello\nand goodbye\n');
    expectUsage(['check', p], /notes\.txt: no VMCS field read \(as list; line 1: not a "NAME = value" line: "QEMU says hello"\)/);
    expectUsage(['check', p, '--format', 'kvm'], /no VMCS field read \(as kvm; line 1: not a line of a KVM dump_vmcs dump/);
    expectUsage(['decode', p], /notes\.txt: no VMCS field read/);
    expectUsage(['check', writeTemp('empty.vmcsdump', '\n')], /empty\.vmcsdump: no VMCS field read \(as list, the input is empty\)/);
  });
  it('a state file without its format key', () => {
    expectUsage(['check', writeTemp('s.json', '{ "fields": { "GUEST_CR0": "0x31" } }'), '--format', 'vmcs-state'], /s\.json: format: expected "vmcs-state", got nothing \(the key is missing\)/);
  });
  it('a missing snapshot file is a failed source: exit 1', () => {
    const r = runCli(['masks', '--source', 'snapshot:/nonexistent/x.vmcs.json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^vmcs: \/nonexistent\/x\.vmcs\.json: cannot read the snapshot \(no such file\)\n$/);
  });
});

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/core/source/diagnose';
import { evaluate } from '../../src/core/source/expr';
import { scanText } from '../../src/core/source/scan';
import { codeOnly } from '../../src/core/source/lexer';
import { capsFromMsrs, ROOT, runCli } from './helpers';

const none = () => undefined;
const COFFEELAKE = JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', 'coffeelake-i7-9750h.vmcs.json'), 'utf8')).msrs;

describe('constant expressions', () => {
  it('evaluates literals, operators, casts and BIT()', () => {
    assert.equal(evaluate('0x16', none), 0x16n);
    assert.equal(evaluate('(1 << 3) | 0b10 | 010', none), 0b1010n | 8n);
    assert.equal(evaluate('~0u & 0xffffffff', none), 0xffffffffn);
    assert.equal(evaluate('-1ull', none), (1n << 64n) - 1n);
    assert.equal(evaluate('(u32)-1', none), 0xffffffffn);
    assert.equal(evaluate('BIT(7) | BIT_ULL(33)', none), (1n << 7n) | (1n << 33n));
    assert.equal(evaluate('1u64 << 40', none), 1n << 40n);
    assert.equal(evaluate('(0x80 as u32) + 1_000', none), 0x80n + 1000n);
  });
  it('resolves names through the caller and refuses what it cannot evaluate', () => {
    assert.equal(evaluate('A | B', (n) => ({ A: 1n, B: 4n })[n]), 5n);
    for (const t of ['x', 'f(1)', 'a->b', '1 +', '(1', '1 << 64', '1 / 0', 'x ? 1 : 2', '']) assert.equal(evaluate(t, none), undefined, t);
  });
});

describe('code-only view', () => {
  it('blanks comments, strings and #if 0 blocks, keeping offsets and lines', () => {
    const src = 'a /* x\ny */ b // c\n"s(1)" \'(\' d\n#if 0\ndead()\n#else\nlive()\n#endif\n#if 1\nlive2()\n#else\ndead2()\n#endif\n';
    const code = codeOnly(src);
    assert.equal(code.length, src.length);
    assert.equal(code.split('\n').length, src.split('\n').length);
    assert.doesNotMatch(code, /x|y|c|s\(1\)|dead/);
    assert.match(code, /live\(\)/);
    assert.match(code, /live2\(\)/);
    assert.match(code, /\bd\b/);
  });
  it('reads directives after comments, and comments running past a reviving #endif', () => {
    const src = '/* a */ #if 0\nvmwrite(0x4000, 1);\n#endif /* b\nc */ vmwrite(0x681e, 1);\n#if 0 // off\nvmwrite(0x4002, 1);\n#else\nvmwrite(0x4012, 1);\n#endif\n';
    const code = codeOnly(src);
    assert.equal(code.length, src.length);
    assert.doesNotMatch(code, /0x4000|0x4002|\bc\b|\bb\b/);
    assert.deepEqual(scanText(src).references.map((r) => r.text), ['0x681e', '0x4012']);
  });
  it("keeps Rust lifetimes (not char literals)", () => {
    assert.match(codeOnly("fn f<'a>(x: &'a u32) { vmwrite(0x681e, 1) }"), /vmwrite\(0x681e, 1\)/);
  });
});

describe('scanner', () => {
  const caps = capsFromMsrs(COFFEELAKE);
  const findings = (src: string) => diagnose(scanText(src), caps, 'test');
  it('finds references of every scheme and raw encodings in accessor calls', () => {
    const r = scanText('x = VMCS_GUEST_RIP; vmcs_write32(0x4000, y); foo(0x4000); vmwrite(vmcs::guest::RIP, 1); let e = vmread(x86::vmx::vmcs::ro::EXIT_REASON);').references;
    assert.deepEqual(r.map((x) => [x.text, x.record.hex, x.via]), [
      ['VMCS_GUEST_RIP', '0x681e', 'name'],
      ['0x4000', '0x4000', 'encoding'],
      ['guest::RIP', '0x681e', 'name'],
      ['ro::EXIT_REASON', '0x4402', 'name'],
    ]);
  });
  it('evaluates writes through bit names of Linux, QEMU/bhyve and Apple, and #defines', () => {
    const src = '#define REQ (PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING)\nvmcs_write32(PIN_BASED_VM_EXEC_CONTROL, REQ | PIN_BASED_POSTED_INTR);\n';
    const [w] = scanText(src).writes;
    assert.equal(w.constant, 0x89n);
    const [f] = findings(src);
    assert.deepEqual(f.violations.map((v) => [v.bit, v.state]), [[1, 'must-be-1'], [2, 'must-be-1'], [4, 'must-be-1'], [7, 'must-be-0']]);
    assert.equal(f.adjusted, 0x1fn);
    assert.match(f.message, /bits 1, 2, 4 \(reserved \(default1\)\) must be 1 but are clear; bit 7 \(Process posted interrupts\) must be 0 on test/);
  });
  it('reads #defines continued over lines, with LF or CRLF line ends', () => {
    for (const nl of ['\n', '\r\n']) {
      const src = `#define REQ (PIN_BASED_EXT_INTR_MASK | \\${nl}\tPIN_BASED_NMI_EXITING)${nl}vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, REQ);${nl}`;
      assert.equal(scanText(src).writes[0].constant, 0x9n, JSON.stringify(nl));
    }
  });
  it('true negatives: adjusted, non-constant, commented, string, #if 0, reads', () => {
    const src = [
      'hv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, cap2ctrl(cap, PIN_BASED_NMI));',
      'vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, conf->pin_based_exec_ctrl);',
      'vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_pin_based_exec_ctrl(vmx));',
      '// vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, 0);',
      '/* vmcs_write32(VM_ENTRY_CONTROLS, 0); */',
      'puts("vmcs_write32(VM_EXIT_CONTROLS, 0)");',
      '#if 0',
      'vmcs_write32(SECONDARY_VM_EXEC_CONTROL, 0xffffffff);',
      '#endif',
      'hv_vmx_vcpu_read_vmcs(vcpu, VMCS_RO_EXIT_REASON, &reason);',
      'vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, 0x16);',
      'vmcs_writel(GUEST_CR0, 0x20); /* unrestricted guest may clear PE and PG */',
    ].join('\n');
    assert.deepEqual(findings(src), []);
  });
  it('reads call arguments through comments and strings', () => {
    const src = 'vmcs_write32(/* field */ PIN_BASED_VM_EXEC_CONTROL /* pin */, 0x16 /* ok, (really) */ );\nvmcs_write32(PIN_BASED_VM_EXEC_CONTROL, log("a, b)") | 0x16);';
    const [w, v] = scanText(src).writes;
    assert.equal(src.slice(w.field.start, w.field.end), 'PIN_BASED_VM_EXEC_CONTROL');
    assert.deepEqual([w.value.text, w.constant], ['0x16', 0x16n]);
    assert.equal(src.slice(w.value.start, w.value.end), '0x16');
    assert.equal(v.value.text, 'log(       ) | 0x16'); // the string, quotes and all, is blanked
    assert.equal(v.constant, undefined);
  });
  it('a write to a field the CPU lacks is a hint naming the enabling control; the policy can raise it', () => {
    const f = findings('vmcs_write64(TSC_MULTIPLIER, 1);');
    assert.deepEqual(f.map((x) => [x.kind, x.severity]), [['missing-field', 'hint']]);
    assert.match(f[0].message, /needs Secondary processor-based VM-execution controls bit 25 \(Use TSC scaling\)/);
    const raised = diagnose(scanText('vmcs_write64(TSC_MULTIPLIER, 1);'), caps, 'test', { value: 'warning', readOnly: 'warning', missingField: 'warning' });
    assert.deepEqual(raised.map((x) => x.severity), ['warning']);
  });
  it('a write to a read-only field: nothing with MISC bit 29 = 1, a warning with bit 29 = 0, a hint without MISC', () => {
    const src = 'vmcs_write32(VM_EXIT_REASON, 0);';
    assert.deepEqual(findings(src), []); // Coffee Lake MISC 0x7004c1e7: bit 29 set
    const clear = capsFromMsrs({ ...COFFEELAKE, '0x485': '0x5004c1e7' });
    const [w] = diagnose(scanText(src), clear, 'test');
    assert.deepEqual([w.kind, w.severity], ['read-only', 'warning']);
    assert.match(w.message, /VMWRITE fails \(VM-instruction error 13\) because IA32_VMX_MISC bit 29 is 0 on test/);
    const { '0x485': _misc, ...noMisc } = COFFEELAKE;
    assert.deepEqual(diagnose(scanText(src), capsFromMsrs(noMisc), 'test').map((x) => x.severity), ['hint']);
  });
  it("offers to wrap the value in the file's own adjust helper when it knows the capability variable", () => {
    const src = 'uint64_t entry_cap = read_cap(HV_VMX_CAP_ENTRY);\nhv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, cap2ctrl(pin_cap, 0));\nhv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_VMENTRY_CONTROLS, VMENTRY_GUEST_IA32E);';
    const [f] = findings(src);
    assert.equal(f.wrapped, 'cap2ctrl(entry_cap, VMENTRY_GUEST_IA32E)');
    assert.equal(f.adjusted, 0x13fbn);
  });
  it('stays linear on adversarial input and never throws', () => {
    const inputs = ['('.repeat(200000), 'vmcs_write32('.repeat(20000), '/*'.repeat(100000), '"'.repeat(100000), 'GUEST_RIP '.repeat(50000), "'".repeat(100000), '#if 0\n'.repeat(50000), '#if 1\n'.repeat(50000), '#ifdef X\n#else\n'.repeat(30000)];
    for (const text of inputs) {
      const t0 = process.hrtime.bigint();
      scanText(text);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.ok(ms < 2000, `${text.slice(0, 12)}…: ${ms} ms`);
    }
  });
});

describe('vmcs scan on the example workspace', () => {
  const expected = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'expected-scan.json'), 'utf8'));
  for (const [file, want] of Object.entries(expected.files) as [string, { line: number; encoding: string; kind: string; bits: number[] }[]][]) {
    it(`${file}: exactly the seeded violations`, () => {
      const r = runCli(['scan', join(ROOT, 'test', 'fixtures', 'workspace', file), '--json', '--source', expected.source]);
      assert.equal(r.status, 1, r.stderr);
      const got = JSON.parse(r.stdout).files[0].violations.map((v: { line: number; encoding: string; kind: string; severity: string; bits: { bit: number }[] }) => ({ line: v.line, encoding: v.encoding, kind: v.kind, bits: v.bits.map((b) => b.bit), severity: v.severity }));
      assert.deepEqual(got, want);
    });
  }
  it('exits 0 on a file without violations and prints file:line:col', () => {
    const clean = join(ROOT, 'test', 'fixtures', 'workspace', 'kvm', 'vmx_setup.c');
    const r = runCli(['scan', clean, '--source', 'profile:conroe-core2-x6800']);
    assert.match(r.stdout, /vmx_setup\.c:18:15: reference PIN_BASED_VM_EXEC_CONTROL -> 0x4000/);
  });
});

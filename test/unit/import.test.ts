// `vmcs import`: AIDA64 MSR dumps and rdmsr lists become snapshots; MSRs the input lacks stay unknown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportError, importMsrs, looksImportable } from '../../src/core/caps/import';
import { ROOT, runCli, tempDir, writeTemp } from './helpers';

// The AIDA64 layout ("MSR <index>: four hyphen-separated 16-bit groups", "< FAILED >" for an MSR that faults), with
// the Coffee Lake values of entry-states.ts, a CPUID section before it, and no MSRs past 0x490 except a failed 0x491.
const AIDA = [
  'CPUID 00000000: 00000016-756E6547-6C65746E-49656E69 [GenuineIntel]',
  'MSR 00000048: 0000-0000-0000-0001',
  'MSR 00000480: 00DA-0400-0000-0004', 'MSR 00000481: 0000-007F-0000-0016', 'MSR 00000482: FFF9-FFFE-0401-E172',
  'MSR 00000483: 01FF-FFFF-0003-6DFF', 'MSR 00000484: 0003-FFFF-0000-11FF', 'MSR 00000485: 0000-0000-7004-C1E7',
  'MSR 00000486: 0000-0000-8000-0021', 'MSR 00000487: 0000-0000-FFFF-FFFF', 'MSR 00000488: 0000-0000-0000-2000',
  'MSR 00000489: 0000-0000-0037-27FF', 'MSR 0000048A: 0000-0000-0000-002E', 'MSR 0000048B: 005F-BCFF-0000-0000',
  'MSR 0000048C: 0000-0F01-0673-4141', 'MSR 0000048D: 0000-007F-0000-0016', 'MSR 0000048E: FFF9-FFFE-0400-6172',
  'MSR 0000048F: 01FF-FFFF-0003-6DFB', 'MSR 00000490: 0003-FFFF-0000-11FB', 'MSR 00000491: < FAILED >',
].join('\n');

describe('vmcs import', () => {
  it('reads the VMX MSRs of an AIDA64 dump, notes the failed ones, and leaves the rest out', () => {
    const r = importMsrs(AIDA, 'x');
    assert.equal(r.format, 'aida64');
    assert.equal(r.msrs.size, 17);
    assert.equal(r.msrs.get(0x482), 0xfff9fffe0401e172n);
    assert.deepEqual(r.failed, [0x491]);
    assert.equal(r.msrs.has(0x48), false);
    assert.equal(r.msrs.has(0x492), false);
  });
  it('reads rdmsr lists with or without 0x and a colon, and warns about other lines', () => {
    const r = importMsrs('0x480 0x00da040000000004\n481: 7f00000016\n# comment\nrdmsr: no such thing', 'x');
    assert.equal(r.format, 'rdmsr');
    assert.deepEqual([...r.msrs], [[0x480, 0xda040000000004n], [0x481, 0x7f00000016n]]);
    assert.deepEqual(r.warnings.map((w) => w.line), [4]);
  });
  it('refuses an input without VMX MSRs with one line naming the file', () => {
    assert.throws(() => importMsrs('hello', 'notes.txt'), (e: Error) => e instanceof ImportError && /^notes\.txt: no VMX capability MSR/.test(e.message));
    const r = runCli(['import', writeTemp('empty.txt', 'nothing here\n')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vmcs: .*empty\.txt: no VMX capability MSR/);
  });
  it('writes a snapshot whose masks equal the MSRs\' and whose fields governed by absent MSRs are unknown', () => {
    const out = join(tempDir(), 'cfl.vmcs.json');
    const r = runCli(['import', writeTemp('aida.txt', AIDA), '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    // 0x492 and 0x493 are absent from the dump, and the CPU lacks them: 0x482 bit 49 and 0x483 bit 63 are 0.
    assert.match(r.stderr, /read 17 VMX capability MSRs \(aida64\); the CPU lacks 0x491, 0x492, 0x493$/m);
    const snap = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(snap.msrs['0x48e'], '0xfff9fffe04006172');
    const masks = JSON.parse(runCli(['masks', '0x4002', '0x401e', '--source', `snapshot:${out}`, '--json']).stdout);
    assert.deepEqual(masks.fields.map((f: { allowed0: string; allowed1: string }) => [f.allowed0, f.allowed1]), [['0x4006172', '0xfff9fffe'], ['0x0', '0x5fbcff']]);
    // A Tiger Lake-like CPU: "activate tertiary controls" may be 1, but without 0x492 the tertiary masks are unknown.
    const tgl = AIDA.replace('MSR 00000482: FFF9-FFFE-0401-E172', 'MSR 00000482: FFFB-FFFE-0401-E172').replace('MSR 0000048E: FFF9-FFFE-0400-6172', 'MSR 0000048E: FFFB-FFFE-0400-6172');
    const tglOut = join(tempDir(), 'tgl.vmcs.json');
    assert.equal(runCli(['import', writeTemp('tgl.txt', tgl), '-o', tglOut]).status, 0);
    const tertiary = JSON.parse(runCli(['masks', '0x2034', '--source', `snapshot:${tglOut}`, '--json']).stdout).fields[0];
    assert.deepEqual([tertiary.exists, tertiary.allowed0, tertiary.allowed1], [true, null, null]);
  });
});

// VBox.log fixtures written in the layouts VirtualBox's HM.cpp / HWACCM.cpp print (test/fixtures/import/README.md):
// 7.0 and 5.2 with the Coffee Lake i7-9750H values, 4.2 with the Core 2 T9600's.
describe('vmcs import of a VBox.log', () => {
  const FIX = join(ROOT, 'test', 'fixtures', 'import');
  const coffee = JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', 'coffeelake-i7-9750h.vmcs.json'), 'utf8')).msrs as Record<string, string>;
  const penryn = JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', 'penryn-core2-t9600.vmcs.json'), 'utf8')).msrs as Record<string, string>;
  const asHex = (m: Map<number, bigint>) => Object.fromEntries([...m].map(([k, v]) => [`0x${k.toString(16)}`, `0x${v.toString(16).padStart(16, '0')}`]));
  const without = (m: Record<string, string>, keys: string[]) => Object.fromEntries(Object.entries(m).filter(([k]) => !keys.includes(k)));

  it('reads every layout: the MSRs it lists, as printed (with and without 0x, CRLF lines, BASIC_INFO, HWACCM)', () => {
    const v7 = importMsrs(readFileSync(join(FIX, 'vbox-7.0.log'), 'utf8'), 'vbox-7.0.log');
    assert.equal(v7.format, 'vbox-log');
    assert.equal(v7.origin, 'VBox.log of VirtualBox 7.0.14 (layout 6.x-7.x)');
    assert.deepEqual(asHex(v7.msrs), coffee);
    // 5.x prints no TRUE MSRs: they stay unknown.
    const v5 = importMsrs(readFileSync(join(FIX, 'vbox-5.2.log'), 'utf8'), 'vbox-5.2.log');
    assert.equal(v5.origin, 'VBox.log of VirtualBox 5.2.26 (layout 4.3-5.x)');
    assert.deepEqual(asHex(v5.msrs), without(coffee, ['0x48d', '0x48e', '0x48f', '0x490']));
    const v4 = importMsrs(readFileSync(join(FIX, 'vbox-4.2.log'), 'utf8'), 'vbox-4.2.log');
    assert.equal(v4.origin, 'VBox.log of VirtualBox 4.2.18 (layout 4.0-4.2)');
    assert.deepEqual(asHex(v4.msrs), penryn);
  });

  it('gives the masks of the MSRs it lists; without the TRUE MSRs of 5.x the plain ones, saying so', () => {
    const out = join(tempDir(), 'v5.vmcs.json');
    const r = runCli(['import', join(FIX, 'vbox-5.2.log'), '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /read 14 VMX capability MSRs \(VBox\.log of VirtualBox 5\.2\.26 \(layout 4\.3-5\.x\)\); the CPU lacks 0x492, 0x493; not in the input, so unknown: 0x48d, 0x48e, 0x48f, 0x490/);
    const proc = JSON.parse(runCli(['masks', '0x4002', '--source', `snapshot:${out}`, '--json']).stdout).fields[0];
    assert.deepEqual([proc.allowed0, proc.allowed1], ['0x401e172', '0xfff9fffe']); // 0x482 as printed
    assert.match(proc.notes.join(' '), /bit 55 says IA32_VMX_TRUE_PROCBASED_CTLS exists but the source lacks it/);
    const out7 = join(tempDir(), 'v7.vmcs.json');
    assert.equal(runCli(['import', join(FIX, 'vbox-7.0.log'), '-o', out7]).status, 0);
    const true7 = JSON.parse(runCli(['masks', '0x4002', '--source', `snapshot:${out7}`, '--json']).stdout).fields[0];
    assert.deepEqual([true7.allowed0, true7.allowed1], ['0x4006172', '0xfff9fffe']); // 0x48e
  });

  it('fails loudly, naming the line, when the log\'s own decoding disagrees with a value', () => {
    const text = readFileSync(join(FIX, 'vbox-7.0.log'), 'utf8');
    // Posted interrupts allowed in the value, "(must be cleared)" in the decoding below it.
    const edited = text.replace('MSR_IA32_VMX_PINBASED_CTLS         = 0x7f00000016', 'MSR_IA32_VMX_PINBASED_CTLS         = 0xff00000016');
    assert.notEqual(edited, text);
    const line = edited.split('\n').findIndex((l) => l.includes('POSTED_INT (must be cleared)')) + 1;
    const r = runCli(['import', writeTemp('edited.log', edited)]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`^vmcs: .*edited\\.log: the VBox\\.log's own decoding disagrees with its values, so the import stops \\(line ${line}: the log says POSTED_INT \\(bit 7\\) must be 0, but the value it printed, 0xff00000016, says otherwise\\)`));
    // In 4.2's layout a must-be-1 bit has its own "*must* be set" line.
    const old = readFileSync(join(FIX, 'vbox-4.2.log'), 'utf8').replace('MSR_IA32_VMX_PROCBASED_CTLS   = f7f9fffe0401e172', 'MSR_IA32_VMX_PROCBASED_CTLS   = f7f9fffe04016172');
    assert.match(runCli(['import', writeTemp('old.log', old)]).stderr, /CR3_LOAD_EXIT \(bit 15\) must be 1/);
  });

  it('says why a VBox.log has no VT-x MSRs, and warns when the host is itself a virtual machine', () => {
    const nem = '00:00:01.000001 HM: HMR3Init: Attempting fall back to NEM: VT-x is not available\n';
    assert.throws(() => importMsrs(nem, 'nem.log'), (e: Error) => e instanceof ImportError && /^nem\.log: a VBox\.log without VT-x capability MSRs/.test(e.message));
    const nested = readFileSync(join(FIX, 'vbox-7.0.log'), 'utf8').replace('Build Type: release', "Build Type: release\n00:00:00.000009 CPUID: HVP - Hypervisor Present (we're a guest)    = 0 (1)");
    const r = importMsrs(nested, 'x');
    assert.match(r.warnings.map((w) => w.message).join(' '), /the host CPU reports a hypervisor/);
  });
});

describe('vmcs import of vmxcap output', () => {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'import', 'vmxcap.txt'), 'utf8');
  it('takes the MSRs vmxcap prints whole (BASIC, MISC, EPT/VPID, VMFUNC) and leaves the controls unknown', () => {
    const r = importMsrs(text, 'vmxcap.txt');
    assert.equal(r.format, 'vmxcap');
    assert.deepEqual([...r.msrs].map(([k, v]) => [k.toString(16), v.toString(16)]), [['480', 'da040000000004'], ['485', '7004c1e7'], ['48c', 'f0106734141'], ['491', '1']]);
    assert.match(r.warnings[0].message, /control fields' masks stay unknown/);
  });
  it('checks its decoded lines against the values it printed', () => {
    // Bits 24:16 of MISC 0x7004c1e7 are 4.
    assert.throws(() => importMsrs(text.replace('Number of CR3-target values              4', 'Number of CR3-target values              5'), 'v.txt'), (e: Error) => e instanceof ImportError && /line 40: "Number of CR3-target values" is 5 here but bits 24:16 of 0x7004c1e7 are 4/.test(e.message));
  });
});

describe('what the editor offers to import', () => {
  it('takes the active editor when it holds a VBox.log, vmxcap output, an AIDA64 dump or an rdmsr list of VMX MSRs', () => {
    for (const f of ['vbox-7.0.log', 'vbox-4.2.log', 'vmxcap.txt']) assert.equal(looksImportable(readFileSync(join(ROOT, 'test', 'fixtures', 'import', f), 'utf8')), true, f);
    assert.equal(looksImportable(AIDA), true);
    assert.equal(looksImportable('0x480 0x00da040000000004\n'), true);
    assert.equal(looksImportable('int main(void) { return 0x480; }\n'), false);
    assert.equal(looksImportable('0x10 0x20\n'), false);
  });
});

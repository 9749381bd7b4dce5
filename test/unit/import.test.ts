// `vmcs import`: AIDA64 MSR dumps and rdmsr lists become snapshots; MSRs the input lacks stay unknown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportError, importMsrs } from '../../src/core/caps/import';
import { runCli, tempDir, writeTemp } from './helpers';

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
    assert.match(r.stderr, /read 17 VMX capability MSRs \(aida64\); the CPU lacks 0x491; not in the input, so unknown: 0x492, 0x493/);
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

// kvm against this machine's real /dev/kvm; msr against files laid out as MSR dumps.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KvmSource } from '../../src/capabilities/kvm';
import { MsrSource } from '../../src/capabilities/msr';
import { load } from '../../src/capabilities/service';
import { REFERENCE, ROOT, runCli, tempDir } from '../unit/helpers';

const PROBE = join(ROOT, 'dist', 'probe.js');
const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { dumps: { cpu: string; microarch: string; msrs: Record<string, string> }[] };
const isAmd = readFileSync('/proc/cpuinfo', 'utf8').includes('AuthenticAMD');

/** A dump file: each MSR at offset index * 8, little-endian. */
function msrDump(msrs: Record<string, string>): string {
  const buf = Buffer.alloc(0x494 * 8);
  for (const [k, v] of Object.entries(msrs)) buf.writeBigUInt64LE(BigInt(v), parseInt(k, 16) * 8);
  const path = join(tempDir(), 'cpu.msr');
  writeFileSync(path, buf);
  return path;
}

describe('kvm source on this machine', { skip: !existsSync('/dev/kvm') && 'no /dev/kvm' }, () => {
  it(isAmd ? 'says this AMD host has no VMX capability MSRs' : 'reads VMX MSRs or names why not', async () => {
    const kvm = new KvmSource({ script: PROBE });
    if (isAmd) {
      await assert.rejects(kvm.read(), /kvm: this host has no VMX capability MSRs/);
    } else {
      try {
        const snap = await kvm.read();
        assert.ok(snap.msrs?.get(0x480), 'IA32_VMX_BASIC');
      } catch (e) {
        assert.match((e as Error).message, /^kvm: /);
      }
    }
  });
  it('vmcs capture --source kvm exits 1 with one line and writes nothing', { skip: !isAmd && 'needs an AMD host' }, () => {
    const out = join(tempDir(), 'kvm.vmcs.json');
    const r = runCli(['capture', '--source', 'kvm', '-o', out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^vmcs: kvm: this host has no VMX capability MSRs[^\n]*\n$/);
    assert.equal(existsSync(out), false);
  });
});

describe('msr source', () => {
  it('a dump of each reference CPU captures to a snapshot with no difference from its profile', () => {
    const profiles = JSON.parse(runCli(['profiles', '--json']).stdout) as { id: string; cpu: string }[];
    for (const dump of reference.dumps) {
      const out = join(tempDir(), 'x.vmcs.json');
      const cap = runCli(['capture', '--source', `msr:${msrDump(dump.msrs)}`, '-o', out]);
      assert.equal(cap.status, 0, cap.stderr);
      const id = profiles.find((p) => p.cpu === dump.cpu)!.id;
      const d = runCli(['diff', out, `profile:${id}`, '--json']);
      assert.equal(d.status, 0, d.stderr);
      assert.deepEqual(JSON.parse(d.stdout).fields, [], id);
    }
  });
  it('the diff against another CPU lists fields and named bits', () => {
    const skylake = reference.dumps.find((d) => d.microarch === 'Skylake')!;
    const out = join(tempDir(), 'sky.vmcs.json');
    runCli(['capture', '--source', `msr:${msrDump(skylake.msrs)}`, '-o', out]);
    const d = JSON.parse(runCli(['diff', out, 'profile:broadwell-i7-5600u', '--json']).stdout);
    const proc2 = d.fields.find((f: { encoding: string }) => f.encoding === '0x401e');
    // Skylake proc2 allowed-1 0x1ffcff vs Broadwell 0x57cff: bits 15, 17, 19, 20 differ
    assert.deepEqual(proc2.bits.map((b: { bit: number; name: string }) => [b.bit, b.name]), [[15, 'Enable ENCLS exiting'], [17, 'Enable PML'], [19, 'Conceal VMX from PT'], [20, 'Enable XSAVES/XRSTORS']]);
    assert.ok(d.fields.some((f: { encoding: string }) => f.encoding === '0x200e')); // PML address exists on one only
    const text = runCli(['diff', out, 'profile:broadwell-i7-5600u']).stdout;
    assert.match(text, /bit 17\s+Enable PML\s+a: free\s+b: must be 0/);
  });
  it('drops MSRs the gating bits say do not exist (Core 2: no TRUE, no secondary)', async () => {
    const conroe = reference.dumps.find((d) => d.microarch === 'Merom/Conroe')!;
    // a dump that has bytes for every MSR: the ones that do not exist must not reach the snapshot
    const filled: Record<string, string> = { ...conroe.msrs };
    for (let i = 0x48b; i <= 0x493; i++) filled['0x' + i.toString(16)] = '0xffffffffffffffff';
    const snap = await new MsrSource(msrDump(filled)).read();
    assert.deepEqual([...snap.msrs!.keys()].sort((a, b) => a - b).map((k) => k.toString(16)), ['480', '481', '482', '483', '484', '485', '486', '487', '488', '489', '48a']);
  });
  it('a missing device gets modprobe advice; an all-zero dump has no VMX', async () => {
    await assert.rejects(new MsrSource('/nonexistent/cpu/0/msr').read(), /modprobe msr/);
    const empty = join(tempDir(), 'zero.msr');
    writeFileSync(empty, Buffer.alloc(0x494 * 8));
    await assert.rejects(new MsrSource(empty).read(), /has no VMX capability MSRs/);
  });
});

describe('auto selection', () => {
  it('on a machine without VMX: the default profile, with the reason each hardware source was passed over', async () => {
    if (!isAmd) return;
    const loaded = await load('auto', { probeScript: PROBE });
    assert.equal(loaded.source.id, 'profile:coffeelake-i7-9750h');
    assert.match(loaded.reasons.join('\n'), /hvf not used: .*only on macOS/);
    assert.match(loaded.reasons.join('\n'), /kvm not used: this host has no VMX capability MSRs/);
    assert.match(loaded.reasons.join('\n'), /msr not used: /);
    const cli = runCli(['masks', '0x4000']);
    assert.match(cli.stdout, /hvf not used/);
    assert.match(cli.stdout, /using the embedded profile coffeelake-i7-9750h/);
  });
});

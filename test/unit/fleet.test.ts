// Checks across target CPUs: which profiles allow a control bit, which reject a constant, and the CLI's --targets.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTargets, targetSpecs } from '../../src/capabilities/targets';
import { profileIds } from '../../src/capabilities/profiles';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { bitAcross, fieldAcross, writeAcross } from '../../src/core/caps/fleet';
import { bitAcrossText } from '../../src/core/caps/fleet-text';
import { ROOT, runCli, tempDir, writeTemp } from './helpers';

const FLEET_C = join(ROOT, 'test', 'fixtures', 'workspace', 'fleet', 'fleet.c');
const proc2 = () => catalogue().find('SECONDARY_VM_EXEC_CONTROL')!;
const ids = (ts: readonly { id: string }[]) => ts.map((t) => t.id.replace(/^profile:/, '')).sort();

// From each profile's 0x48b, bits 63:32 (allowed-1), read by hand: the high byte 0xc7 of Wildcat and Arrow Lake holds
// bits 24-26, 30, 31; 0x0f of Alder Lake and the i7-14700 bits 24-27; 0x07 of the Core 7 150U bits 24-26; Tiger Lake
// and older have at most bits 24, 25, 28, 29 there.
const USER_WAIT = ['alderlake-i7-12700', 'arrowlake-ultra5-245k', 'raptorlake-core7-150u', 'raptorlake-i7-14700', 'wildcatlake-core5-320'];
const PCONFIG = ['alderlake-i7-12700', 'raptorlake-i7-14700'];
// 0x482 bit 63 is 0: no secondary controls, so the field does not exist.
const NO_SECONDARY = ['conroe-core2-x6800', 'isaiah-via-l4700', 'yonah-coreduo-t2600'];

describe('target CPUs', () => {
  it('reads all, profile ids and snapshot files, and refuses hardware sources', async () => {
    assert.deepEqual(targetSpecs('all'), ['all']);
    assert.deepEqual(targetSpecs(['coffeelake-i7-9750h, profile:yonah-coreduo-t2600', '']), ['coffeelake-i7-9750h', 'profile:yonah-coreduo-t2600']);
    assert.deepEqual(targetSpecs([42, { all: true }, 'all']), ['all']); // a hand-edited setting
    assert.deepEqual(targetSpecs(7), []);
    assert.equal((await loadTargets(['all'])).length, profileIds().length);
    const two = await loadTargets(['coffeelake-i7-9750h', 'profile:yonah-coreduo-t2600', 'coffeelake-i7-9750h']);
    assert.deepEqual(two.map((t) => t.label), ['Coffee Lake i7-9750H', 'Yonah T2600']);
    // A snapshot by a path relative to the workspace, named by its file when it has no name of its own.
    const dir = tempDir();
    mkdirSync(join(dir, 'boxes'));
    writeFileSync(join(dir, 'boxes', 'build-box.vmcs.json'), runCli(['capture', '--source', 'profile:ivybridge-i5-3570']).stdout.replace(/"name": "[^"]*",\s*/, ''));
    const snap = await loadTargets(['boxes/build-box.vmcs.json'], dir);
    assert.deepEqual(snap.map((t) => [t.id, t.label]), [[`snapshot:${join(dir, 'boxes', 'build-box.vmcs.json')}`, 'build-box.vmcs.json']]);
    await assert.rejects(loadTargets(['boxes/none.vmcs.json'], dir), /none\.vmcs\.json: cannot read the snapshot \(no such file\)/);
    for (const bad of ['kvm', 'msr:/dev/cpu/0/msr', 'hvf', 'profile:nehalem-x']) await assert.rejects(loadTargets([bad]), /targets: /);
  });

  it('says where "enable user wait and pause" and "enable PCONFIG" may be 1', async () => {
    const all = await loadTargets(['all']);
    const wait = bitAcross(all, proc2(), 26);
    assert.deepEqual(ids(wait.may1), USER_WAIT);
    assert.deepEqual(ids(wait.unknown), []);
    assert.equal(wait.must0.length, all.length - USER_WAIT.length);
    assert.deepEqual(ids(bitAcross(all, proc2(), 27).may1), PCONFIG);
    // The smaller group is the one named.
    assert.equal(bitAcrossText(bitAcross(all, proc2(), 27), all.length), `Allowed on 2 of ${all.length} target CPUs: Raptor Lake i7-14700, Alder Lake i7-12700`);
    assert.match(bitAcrossText(bitAcross(all, proc2(), 1), all.length), /^Allowed on 29 of 34 target CPUs; must be 0 on: Penryn T9600, Penryn Xeon X5482, Conroe X6800, Yonah T2600, VIA Isaiah L4700$/);
    assert.deepEqual(ids(fieldAcross(all, proc2()).missing), NO_SECONDARY);
  });

  it('names the CPUs that reject a constant, apart from those without the field and those whose masks are unknown', async () => {
    const all = await loadTargets(['all']);
    const w = writeAcross(all, proc2(), (1n << 26n) | (1n << 1n));
    assert.deepEqual(ids(w.accepting), USER_WAIT);
    assert.deepEqual(ids(w.missing), NO_SECONDARY);
    assert.equal(w.rejecting.length, all.length - USER_WAIT.length - NO_SECONDARY.length);
    const penryn = w.rejecting.find((r) => r.target.id === 'profile:penryn-core2-t9600')!;
    assert.deepEqual(penryn.violations.map((v) => [v.bit, v.state]), [[1, 'must-be-0'], [26, 'must-be-0']]);
    // Tertiary controls: allowed on Tiger Lake (0x48e bit 49) but its dump lacks 0x492, so unknown, never rejected.
    const tertiary = writeAcross(await loadTargets(['tigerlake-i5-1135g7', 'coffeelake-i7-9750h']), catalogue().find('TERTIARY_VM_EXEC_CONTROL')!, 1n);
    assert.deepEqual([ids(tertiary.unknown), ids(tertiary.missing), tertiary.rejecting.length], [['tigerlake-i5-1135g7'], ['coffeelake-i7-9750h'], 0]);
  });

  it('vmcs scan --targets all: one warning per constant write some targets reject; the cap2ctrl write stays clean', () => {
    const r = runCli(['scan', FLEET_C, '--targets', 'all', '--source', 'profile:arrowlake-ultra5-245k', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.targets.length, profileIds().length);
    const findings = out.files[0].violations as { line: number; kind: string; severity: string; message: string }[];
    const targets = findings.filter((f) => f.kind === 'targets');
    assert.deepEqual(targets.map((f) => [f.line, f.severity]), [[17, 'warning'], [22, 'warning']]);
    assert.match(targets[0].message, /^writes 0x4000002 to Secondary processor-based VM-execution controls: rejected by 26 of 34 target CPUs: bit 26 \(Enable user wait and pause\) must be 0 on: Coffee Lake i7-9750H, /);
    assert.match(targets[1].message, /bit 27 \(Enable PCONFIG\) must be 0 on: .*Arrow Lake Ultra 5 245K/);
    // Arrow Lake itself allows user wait and pause, not PCONFIG: one finding of its own, on line 22.
    assert.deepEqual(findings.filter((f) => f.kind !== 'targets').map((f) => f.line), [22]);
    assert.equal(findings.some((f) => f.line === 27), false);
  });

  it('vmcs masks --targets prints a field by CPU matrix, and bits --targets each bit across them', () => {
    const text = runCli(['masks', 'SECONDARY_VM_EXEC_CONTROL', '--targets', 'tigerlake-i5-1135g7,yonah-coreduo-t2600']).stdout;
    assert.match(text, /^Secondary processor-based VM-execution controls \(0x401e\): Exists on 1 of 2 target CPUs; not on: Yonah T2600\n/);
    assert.match(text, /Tiger Lake i5-1135G7\s+yes\s+0x00000000\s+0x035f3fff/);
    assert.match(text, /Yonah T2600\s+no\s+0x00000000\s+0x00000000/);
    const bits = JSON.parse(runCli(['bits', 'SECONDARY_VM_EXEC_CONTROL', '--value', '0x4000000', '--targets', 'all', '--json']).stdout);
    assert.deepEqual(bits.bits[26].may1.map((id: string) => id.replace('profile:', '')).sort(), USER_WAIT);
    assert.equal(bits.value.rejecting.length, profileIds().length - USER_WAIT.length - NO_SECONDARY.length);
    const bad = runCli(['masks', '0x401e', '--targets', 'kvm']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vmcs: targets: "kvm" is not a target .*hardware sources are not targets/);
    assert.match(runCli(['scan', writeTemp('x.c', ''), '--targets', '']).stderr, /--targets needs all/);
  });
});

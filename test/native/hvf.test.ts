// The hvf source through its real native path (koffi in a probe process) against a stand-in framework library
// built here from test/native/fake-hv.c: same symbols and signatures, an owning-thread check, and failure modes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { HvfSource } from '../../src/capabilities/hvf';
import { SourceError } from '../../src/capabilities/source';
import { HV_CAPS } from '../../src/core/catalogue/controls';
import { ROOT, runCli, tempDir } from '../unit/helpers';

const PROBE = join(ROOT, 'dist', 'probe.js');
const SKYLAKE = JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', 'skylake-i7-6700k.vmcs.json'), 'utf8')).msrs as Record<string, string>;

// Per-field answers of the stand-in. They deliberately differ from what the MSRs would give (0x4002 without
// bit 31, 0x6800 with a narrower allowed-1) so the test shows that measured masks are what the probe reports.
const TABLE_FIELDS: [number, bigint, bigint][] = [
  [0x4000, 0x16n, 0x7fn],
  [0x4002, 0x04006172n, 0x7ff9fffen],
  [0x6800, 0x80000021n, 0xe005003fn],
  [0x681e, 0n, 0xffffffffffffffffn],
  [0x2034, 0n, 0x12n],
];

let dir = '';
let library = '';
let table = '';

before(() => {
  dir = tempDir();
  library = join(dir, 'libfakehv.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', library, join(ROOT, 'test', 'native', 'fake-hv.c'), '-lpthread']);
  const caps = HV_CAPS.filter((c) => c.msr !== undefined && SKYLAKE['0x' + c.msr.toString(16)]).map((c) => `cap ${c.id} ${SKYLAKE['0x' + c.msr!.toString(16)]}`);
  const fields = TABLE_FIELDS.map(([e, a0, a1]) => `field 0x${e.toString(16)} 0x${a0.toString(16)} 0x${a1.toString(16)}`);
  table = join(dir, 'table.txt');
  writeFileSync(table, [...caps, ...fields].join('\n') + '\n');
});

function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return f().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

const source = (timeoutMs = 10000) => new HvfSource({ library, script: PROBE, timeoutMs });

describe('hvf source with the stand-in framework', () => {
  it('reports the table masks for every field the framework answers, and every capability', async () => {
    const log = join(dir, 'calls.log');
    const snap = await withEnv({ FAKE_HV_TABLE: table, FAKE_HV_LOG: log }, () => source().read());
    assert.equal(snap.source.kind, 'hvf');
    for (const [enc, a0, a1] of TABLE_FIELDS) assert.deepEqual(snap.fields?.get(enc), { allowed0: a0, allowed1: a1 }, enc.toString(16));
    assert.equal(snap.fields?.size, TABLE_FIELDS.length);
    assert.equal(snap.hvCaps?.get('HV_VMX_CAP_PROCBASED2'), BigInt(SKYLAKE['0x48b']));
    assert.equal(snap.hvCaps?.get('HV_VMX_CAP_TRUE_EXIT'), BigInt(SKYLAKE['0x48f']));
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.ok(calls.length > 150, `only ${calls.length} vCPU calls`);
    assert.deepEqual(calls.filter((l) => !l.endsWith(' ok')), [], 'a vCPU call came from a thread that does not own the vCPU');
  });

  it('the stand-in really rejects a vCPU call from another thread (so the check above can fail)', async () => {
    const koffi = require('koffi');
    const lib = koffi.load(library);
    const vmCreate = lib.func('int hv_vm_create(uint64_t)');
    const vcpuCreate = lib.func('int hv_vcpu_create(_Out_ uint32_t *, uint64_t)');
    const capWrite = lib.func('int hv_vmx_vcpu_get_cap_write_vmcs(uint32_t, uint32_t, _Out_ uint64_t *, _Out_ uint64_t *)');
    await withEnv({ FAKE_HV_TABLE: table }, async () => {
      assert.equal(vmCreate(0), 0);
      const vcpu = [null];
      assert.equal(vcpuCreate(vcpu, 0), 0);
      assert.equal(capWrite(vcpu[0], 0x4000, [null], [null]), 0); // same thread: fine
      const fromWorker = await new Promise<number>((resolve, reject) => capWrite.async(vcpu[0], 0x4000, [null], [null], (e: Error, r: number) => (e ? reject(e) : resolve(r))));
      assert.equal(fromWorker >>> 0, 0xfae94003); // HV_BAD_ARGUMENT
    });
  });

  const failures: [string, RegExp][] = [
    ['deny', /HV_DENIED \(0xfae94007\).*com\.apple\.security\.hypervisor entitlement/],
    ['hang', /no answer within 1500 ms.*killed/],
    ['crash', /crashed with SIGSEGV/],
  ];
  for (const [mode, message] of failures) {
    it(`${mode}: a named error within the timeout, and this process keeps running`, async () => {
      const t0 = Date.now();
      await assert.rejects(withEnv({ FAKE_HV_TABLE: table, FAKE_HV_MODE: mode }, () => source(1500).read()), (e: Error) => {
        assert.ok(e instanceof SourceError);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
      assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
    });
  }

  const broken: [string, string, RegExp][] = [
    ['garbage output', "process.stdout.write('Segmentation fault? no: just text\\n')", /printed something that is not its JSON answer/],
    ['a truncated answer', "process.stdout.write('{\"ok\":true,\"snapsh')", /printed something that is not its JSON answer/],
    ['a partial snapshot', "process.stdout.write(JSON.stringify({ ok: true, snapshot: { format: 'vmcs-capabilities', version: 1, source: { kind: 'hvf', description: 'x' } } }))", /gave an invalid snapshot: .*no capability data/],
    ['a snapshot with a bad mask', "process.stdout.write(JSON.stringify({ ok: true, snapshot: { format: 'vmcs-capabilities', version: 1, source: { kind: 'hvf', description: 'x' }, fields: { '0x4000': { allowed0: 22, allowed1: '0x7f' } } } }))", /gave an invalid snapshot: .*allowed0: expected a hex string/],
    ['exit 0 without output', 'process.exitCode = 0', /exited with status 0 without output/],
    ['exit 3 with a message on stderr', "console.error('koffi: cannot find native module'); process.exitCode = 3", /exited with status 3 without output: koffi: cannot find native module/],
  ];
  for (const [what, body, message] of broken) {
    it(`a probe that answers with ${what}: a named error, and this process keeps running`, async () => {
      const script = join(dir, `probe-${what.replace(/\W+/g, '-')}.js`);
      writeFileSync(script, body + '\n');
      await assert.rejects(new HvfSource({ library, script, timeoutMs: 5000 }).read(), (e: Error) => {
        assert.ok(e instanceof SourceError);
        assert.match(e.message, /^hvf probe: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }

  it('a library that cannot be loaded is named', async () => {
    await assert.rejects(new HvfSource({ library: join(dir, 'missing.so'), script: PROBE }).read(), /hvf: cannot load .*missing\.so/);
  });

  it('the CLI captures through the stand-in and writes nothing when it is denied', () => {
    const out = join(dir, 'hvf.vmcs.json');
    const env = { FAKE_HV_TABLE: table, VMCS_HVF_LIBRARY: library };
    const ok = runCli(['capture', '--source', 'hvf', '-o', out], env);
    assert.equal(ok.status, 0, ok.stderr);
    const masks = JSON.parse(runCli(['masks', '0x4002', '--json', '--source', `snapshot:${out}`]).stdout).fields[0];
    assert.deepEqual([masks.allowed0, masks.allowed1], ['0x4006172', '0x7ff9fffe']);
    const denied = join(dir, 'denied.vmcs.json');
    const r = runCli(['capture', '--source', 'hvf', '-o', denied], { ...env, FAKE_HV_MODE: 'deny' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^vmcs: hvf: hv_vm_create returned HV_DENIED/);
    assert.throws(() => readFileSync(denied));
  });
});

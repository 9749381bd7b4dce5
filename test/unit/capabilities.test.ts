// The capability MSRs decoded field by field; expectations worked out by hand from SDM Vol. 3D Appendix A.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeCapabilities, type DecodedMsr } from '../../src/core/caps/capabilities';
import type { ValueConstraint } from '../../src/core/caps/constraints';
import { catalogue } from '../../src/core/catalogue/catalogue';
import type { Snapshot } from '../../src/core/caps/snapshot';
import { capsFromMsrs, ROOT, runCli } from './helpers';

const snapshotOf = (msrs: Record<string, string>): Snapshot => ({
  source: { kind: 'manual', description: 'test' },
  msrs: new Map(Object.entries(msrs).map(([k, v]) => [parseInt(k, 16), BigInt(v)])),
});
const profile = (id: string) => JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', `${id}.vmcs.json`), 'utf8')).msrs as Record<string, string>;
const fields = (m: DecodedMsr | undefined) => Object.fromEntries((m?.fields ?? []).map((f) => [f.name, f.text]));
const msr = (all: DecodedMsr[], index: number) => all.find((m) => m.index === index);

describe('capability MSRs decoded', () => {
  const skylake = decodeCapabilities(snapshotOf(profile('skylake-i7-6700k')));
  it('IA32_VMX_BASIC 0x00da040000000004: revision 4, 1024-byte region, WB, TRUE MSRs', () => {
    const f = fields(msr(skylake, 0x480));
    assert.equal(f['VMCS revision identifier'], '0x4');
    assert.equal(f['VMCS region size'], '1024 bytes'); // bits 44:32 = 0x400
    assert.equal(f['Physical addresses of VMXON, VMCS and data structures limited to 32 bits'], 'no'); // bit 48
    assert.equal(f['Dual-monitor treatment of SMIs and SMM'], 'yes'); // bit 49
    assert.equal(f['Memory type for the VMCS and the structures it points to'], 'WB (write-back)'); // 53:50 = 6
    assert.equal(f['VM-exit information for INS/OUTS'], 'yes'); // bit 54
    assert.equal(f['TRUE capability MSRs (0x48d-0x490): default1 controls may be 0'], 'yes'); // bit 55
    assert.equal(f['Hardware exceptions may be injected with or without an error code'], 'no'); // bit 56
  });
  it('IA32_VMX_MISC 0x7004c1e7: timer 2^7, all activity states, 4 CR3 targets, 512 MSR entries, VMWRITE any field', () => {
    const f = fields(msr(skylake, 0x485));
    assert.equal(f['VMX-preemption timer rate'], 'once every 2^7 TSC ticks');
    for (const s of ['HLT', 'shutdown', 'wait-for-SIPI']) assert.equal(f[`Activity state ${s}`], 'yes');
    assert.equal(f['Number of CR3-target values'], '4');
    assert.equal(f['Recommended maximum MSR-load/store list entries'], '512 entries'); // 27:25 = 0
    assert.equal(f['VMWRITE to any field, VM-exit information fields included'], 'yes');
    assert.equal(f['MSEG revision identifier'], '0x0');
  });
  it('IA32_VMX_EPT_VPID_CAP 0xf0106334141: walk length 4 not 5, UC and WB, A/D, no advanced EPT-violation information', () => {
    const f = fields(msr(skylake, 0x48c));
    assert.deepEqual(
      ['Execute-only EPT translations', 'Page-walk length 4', 'Page-walk length 5', 'EPT paging-structure memory type UC', 'EPT paging-structure memory type WB', '2-MByte EPT pages', '1-GByte EPT pages', 'Accessed and dirty flags for EPT', 'Advanced VM-exit information for EPT violations', 'INVVPID', 'Single-context-retaining-globals INVVPID'].map((n) => f[n]),
      ['yes', 'yes', 'no', 'yes', 'yes', 'yes', 'yes', 'yes', 'no', 'yes', 'yes'],
    );
  });
  it('IA32_VMX_VMFUNC 0x1: EPTP switching; VMCS_ENUM 0x2e: highest index 23', () => {
    assert.equal(fields(msr(skylake, 0x491))['EPTP switching'], 'yes');
    assert.equal(fields(msr(skylake, 0x48a))['Highest index value used for any VMCS encoding'], '23');
  });
  it('an MSR the CPU lacks is absent with the gate that says so; one the source lacks is unknown', () => {
    const conroe = decodeCapabilities(snapshotOf(profile('conroe-core2-x6800')));
    const ept = msr(conroe, 0x48c)!;
    assert.equal(ept.status, 'absent'); // no secondary controls, so no EPT or VPID
    assert.match(ept.reason!, /IA32_VMX_PROCBASED_CTLS2 bit 33 or IA32_VMX_PROCBASED_CTLS2 bit 37 is 0/);
    assert.deepEqual(ept.fields, []);
    const { '0x485': _misc, ...rest } = profile('skylake-i7-6700k');
    const misc = msr(decodeCapabilities(snapshotOf(rest)), 0x485)!;
    assert.equal(misc.status, 'unknown');
    assert.match(misc.reason!, /the source lacks IA32_VMX_MISC \(0x485\)/);
  });
});

describe('vmcs caps', () => {
  it('prints the decoded MSRs and every control bit, as text and JSON', () => {
    const text = runCli(['caps', '--source', 'profile:skylake-i7-6700k']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Number of CR3-target values\s+\[24:16\]\s+4/);
    assert.match(text.stdout, /Unrestricted guest\s+\[7\]\s+yes/);
    assert.match(text.stdout, /Process posted interrupts\s+\[7\]\s+no/);
    const json = JSON.parse(runCli(['caps', '--source', 'profile:conroe-core2-x6800', '--json']).stdout);
    const basic = json.msrs.find((m: { index: string }) => m.index === '0x480');
    assert.equal(basic.value, '0x1a040000000007');
    assert.equal(basic.fields.find((f: { bits: string }) => f.bits === '55').value, false);
    assert.equal(json.msrs.find((m: { index: string }) => m.index === '0x48c').status, 'absent');
    const proc2 = json.controls.find((c: { encoding: string }) => c.encoding === '0x401e');
    assert.equal(proc2.exists, false);
  });
});

describe('value constraints beyond the masks', () => {
  const of = (msrs: Record<string, string>, field: string) => {
    const caps = capsFromMsrs(msrs);
    return caps.of(catalogue().find(field)!).constraints;
  };
  const broken = (cs: ValueConstraint[], value: bigint) => cs.map((c) => c.check?.(value)).filter(Boolean);
  const skylake = profile('skylake-i7-6700k');
  it('CR3-target count at most MISC bits 24:16 (4 on Skylake: 0x7004c1e7)', () => {
    const cs = of(skylake, 'CR3_TARGET_COUNT');
    assert.match(cs[0].text, /at most 4 \(IA32_VMX_MISC bits 24:16/);
    assert.deepEqual(broken(cs, 4n), []);
    assert.match(String(broken(cs, 5n)[0]), /CR3-target count 5 is above 4/);
  });
  it('activity state: only the states MISC bits 6-8 allow', () => {
    const noSipi = { ...skylake, '0x485': '0x7004c0e7' }; // bit 8 cleared
    const cs = of(noSipi, 'GUEST_ACTIVITY_STATE');
    assert.match(cs[0].text, /0 \(active\), 1 \(HLT\), 2 \(shutdown\)$/);
    assert.deepEqual(broken(cs, 2n), []);
    assert.match(String(broken(cs, 3n)[0]), /activity state 3 is not one this CPU supports/);
  });
  it('EPTP: memory type from EPT_VPID_CAP bits 8/14, walk length from bits 6/7, A/D from bit 21, bits 11:8 zero', () => {
    const cs = of(skylake, 'EPT_POINTER'); // 0xf0106334141: UC, WB, walk 4, A/D, no supervisor shadow-stack control
    assert.deepEqual(broken(cs, 0x1234005en), []); // WB, walk 4, A/D
    assert.deepEqual(broken(cs, 0x12340018n), []); // UC, walk 4
    const bad = broken(cs, 0x123401d9n); // memory type 1, walk 4, A/D, bit 7, bit 8
    assert.equal(bad.length, 3, bad.join('; '));
    assert.match(String(bad[0]), /memory type 1 is not one this CPU supports \(0 \(UC\), 6 \(WB\)\)/);
    assert.match(String(bad[1]), /bit 7 .* must be 0: IA32_VMX_EPT_VPID_CAP bit 23 is 0/);
    assert.match(String(bad[2]), /bits 11:8 \(reserved\) must be 0/);
    const noAd = of({ ...skylake, '0x48c': '0xf0106134141' }, 'EPT_POINTER'); // bit 21 cleared
    assert.match(String(broken(noAd, 0x5en)[0]), /bit 6 \(accessed and dirty flags enabled\) must be 0/);
  });
  it('MSR-list counts: a recommendation (512 entries), not a failure; unknown without MISC', () => {
    const cs = of(skylake, 'VM_ENTRY_MSR_LOAD_COUNT');
    assert.equal(cs[0].severity, 'note');
    assert.match(String(broken(cs, 513n)[0]), /above the recommended 512/);
    const { '0x485': _misc, ...noMisc } = skylake;
    const unknown = of(noMisc, 'CR3_TARGET_COUNT')[0];
    assert.equal(unknown.check, undefined);
    assert.match(unknown.text, /unknown — the source lacks IA32_VMX_MISC \(0x485\)/);
  });
  it('vmcs bits --value names a constraint violation', () => {
    const r = runCli(['bits', 'CR3_TARGET_COUNT', '--value', '5', '--source', 'profile:skylake-i7-6700k', '--json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.constraintViolations, [{ message: 'CR3-target count 5 is above 4, the number of CR3-target values of this CPU', severity: 'fail' }]);
    assert.equal(out.constraints[0].known, true);
  });
});

// The embedded real-CPU profiles: each one's masks follow from its raw MSRs by the SDM's rules, the bits that tell the
// CPUs apart are the ones worked out by hand from the cited dumps, and data a profile lacks stays unknown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { profileSnapshot } from '../../src/capabilities/profile';
import { DEFAULT_PROFILE, profileIds } from '../../src/capabilities/profiles';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { CapabilitySet } from '../../src/core/caps/capset';
import type { FieldCaps } from '../../src/core/caps/derive';
import { ROOT, runCli, writeTemp } from './helpers';

const capsOf = (id: string) => new CapabilitySet(profileSnapshot(id));
const of = (caps: CapabilitySet, name: string): FieldCaps => caps.of(catalogue().find(name)!);
const bit = (mask: bigint | undefined, n: number) => (mask === undefined ? undefined : Number((mask >> BigInt(n)) & 1n));
/** A control bit's allowed-1 setting: 1 when the bit may be 1, 0 when it must be 0. */
const may1 = (caps: CapabilitySet, name: string, n: number) => bit(of(caps, name).masks?.allowed1, n);
const must1 = (caps: CapabilitySet, name: string, n: number) => bit(of(caps, name).masks?.allowed0, n);

// Control fields and the MSRs the SDM (Vol. 3D A.3-A.5) says govern them: the TRUE MSR when IA32_VMX_BASIC bit 55 is 1.
const CONTROL_MSRS: [string, number, number | undefined][] = [
  ['PIN_BASED_VM_EXEC_CONTROL', 0x481, 0x48d],
  ['CPU_BASED_VM_EXEC_CONTROL', 0x482, 0x48e],
  ['VM_EXIT_CONTROLS', 0x483, 0x48f],
  ['VM_ENTRY_CONTROLS', 0x484, 0x490],
  ['SECONDARY_VM_EXEC_CONTROL', 0x48b, undefined],
];

describe('embedded profiles', () => {
  it('lists at least 24 CPUs, each with its public source, the same in the index, the CLI and the profile setting', () => {
    const ids = profileIds();
    assert.ok(ids.length >= 24, `${ids.length} profiles`);
    assert.equal(ids[0], DEFAULT_PROFILE);
    const listed = JSON.parse(runCli(['profiles', '--json']).stdout) as { id: string; name: string; generation: string; cpu: string; reference: string }[];
    assert.deepEqual(listed.map((p) => p.id), [...ids]);
    for (const p of listed) {
      assert.ok(p.name && p.generation && p.cpu, `${p.id}: name, generation and cpu`);
      // A repository file pinned to a commit, or a dated public post.
      assert.match(p.reference, /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\/|\(\d{4}-\d{2}-\d{2}\)$/, p.id);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const setting = pkg.contributes.configuration.flatMap((c: { properties: Record<string, { enum?: string[] }> }) => Object.entries(c.properties)).find(([k]: [string]) => k === 'vmcsInspector.profile')[1];
    assert.deepEqual([...setting.enum].sort(), [...ids].sort());
  });

  it('derives each profile\'s control masks from the MSR the SDM names, and finds no contradiction', () => {
    for (const id of profileIds()) {
      const snapshot = profileSnapshot(id);
      const msrs = snapshot.msrs!;
      const caps = new CapabilitySet(snapshot);
      const trueCtls = ((msrs.get(0x480)! >> 55n) & 1n) === 1n;
      for (const [name, plain, tru] of CONTROL_MSRS) {
        const f = of(caps, name);
        const msr = trueCtls && tru !== undefined ? tru : plain;
        const raw = msrs.get(msr);
        if (raw === undefined) {
          // Only secondary controls may be absent, and then only because the CPU lacks them.
          assert.equal(name, 'SECONDARY_VM_EXEC_CONTROL', `${id}: ${name} without its MSR`);
          assert.equal(may1(caps, 'CPU_BASED_VM_EXEC_CONTROL', 31), 0, `${id}: 0x48b absent though secondary controls may be activated`);
          assert.equal(f.exists, false, id);
          continue;
        }
        assert.deepEqual(f.masks, { allowed0: raw & 0xffffffffn, allowed1: raw >> 32n }, `${id} ${name} from ${msr.toString(16)}`);
        assert.equal(f.masks!.allowed0 & ~f.masks!.allowed1, 0n, `${id} ${name}: a bit required 1 but not allowed 1`);
      }
      const cr0 = of(caps, 'GUEST_CR0').masks!;
      assert.deepEqual(cr0, { allowed0: msrs.get(0x486), allowed1: msrs.get(0x487) }, id);
    }
  });

  // Bits read by hand from the cited dumps (value of the MSR, then the bit of its 64 bits; allowed-1 is bits 63:32).
  describe('distinguishing bits, worked out by hand', () => {
    it('Arrow Lake Ultra 5 245K: tertiary and secondary exit controls allowed (masks unknown: no 0x492, 0x493), user wait and pause, no PCONFIG', () => {
      const c = capsOf('arrowlake-ultra5-245k');
      assert.equal(may1(c, 'CPU_BASED_VM_EXEC_CONTROL', 17), 1); // 0x48e = 0xfffbfffe_04006172: bit 49
      const tertiary = of(c, 'TERTIARY_VM_EXEC_CONTROL');
      assert.deepEqual([tertiary.exists, tertiary.masks], [true, null]);
      assert.match(tertiary.basis, /unknown: .*0x492/);
      assert.equal(may1(c, 'VM_EXIT_CONTROLS', 31), 1); // 0x48f = 0xff7fffff_00036dfb: bit 63
      const exit2 = of(c, 'SECONDARY_VM_EXIT_CONTROLS');
      assert.deepEqual([exit2.exists, exit2.masks], [true, null]);
      assert.match(exit2.basis, /unknown: .*0x493/);
      // 0x48b = 0xc75f7fff_00000000: bits 24-26, 30, 31 of the high byte 0xc7; VMCS shadowing (14) in 0x7fff
      assert.deepEqual([26, 27, 14, 30, 31, 23].map((n) => may1(c, 'SECONDARY_VM_EXEC_CONTROL', n)), [1, 0, 1, 1, 1, 0]);
      assert.equal(may1(c, 'VM_ENTRY_CONTROLS', 23), 0); // 0x490 = 0x007effff_000011fb: no "load FRED"
      assert.equal(may1(c, 'VM_EXIT_CONTROLS', 23), 0); // no MPX: "clear IA32_BNDCFGS" must be 0
    });
    it('Tiger Lake: vmcs check leaves the tertiary controls not checked and names the MSR the dump lacks', () => {
      const state = writeTemp('tgl.vmcs-state.json', JSON.stringify({ format: 'vmcs-state', version: 1, source: { description: 'x' }, fields: { CPU_BASED_VM_EXEC_CONTROL: '0x84026172', TERTIARY_VM_EXEC_CONTROL: '0x1' } }));
      const out = JSON.parse(runCli(['check', state, '--source', 'profile:tigerlake-i5-1135g7', '--json']).stdout);
      const proc3 = out.checks.find((c: { id: string }) => c.id === 'control.proc3.allowed');
      assert.equal(proc3.status, 'not-checked');
      assert.match(proc3.message, /IA32_VMX_PROCBASED_CTLS3 \(0x492\)/);
    });
    it('Wildcat Lake Core 5 320: "load FRED" allowed, otherwise Arrow Lake\'s controls', () => {
      const c = capsOf('wildcatlake-core5-320');
      assert.equal(may1(c, 'VM_ENTRY_CONTROLS', 23), 1); // 0x490 = 0x01feffff_000011fb
      assert.equal(may1(c, 'CPU_BASED_VM_EXEC_CONTROL', 17), 1);
      assert.deepEqual(of(c, 'GUEST_CR4').masks, { allowed0: 0x2000n, allowed1: 0x11bf76fffn }); // 0x488, 0x489
    });
    it('Tiger Lake i5-1135G7: tertiary controls allowed (unknown masks), no secondary exit controls, CET but no MPX, no user wait and pause', () => {
      const c = capsOf('tigerlake-i5-1135g7');
      assert.equal(may1(c, 'CPU_BASED_VM_EXEC_CONTROL', 17), 1); // 0x48e = 0xfffbfffe_04006172
      const tertiary = of(c, 'TERTIARY_VM_EXEC_CONTROL');
      assert.deepEqual([tertiary.exists, tertiary.masks], [true, null]);
      // 0x48f = 0x137fffff_00036dfb: bits 0-22, 24, 25, 28
      assert.deepEqual([31, 28, 23].map((n) => may1(c, 'VM_EXIT_CONTROLS', n)), [0, 1, 0]);
      assert.equal(of(c, 'SECONDARY_VM_EXIT_CONTROLS').exists, false);
      // 0x48b = 0x035f3fff_00000000
      assert.deepEqual([26, 27, 25, 14].map((n) => may1(c, 'SECONDARY_VM_EXEC_CONTROL', n)), [0, 0, 1, 0]);
    });
    it('Ice Lake i7-1065G7: no tertiary controls (0x48e bit 49 is 0), ENCLV exiting allowed', () => {
      const c = capsOf('icelake-i7-1065g7');
      assert.equal(may1(c, 'CPU_BASED_VM_EXEC_CONTROL', 17), 0); // 0x48e = 0xfff9fffe_04006172
      assert.deepEqual([of(c, 'TERTIARY_VM_EXEC_CONTROL').exists, of(c, 'TERTIARY_VM_EXEC_CONTROL').masks], [false, { allowed0: 0n, allowed1: 0n }]);
      // 0x48b = 0x335fbfff_00000000: high byte 0x33 = bits 24, 25, 28, 29; ENCLS exiting (15) but no VMCS shadowing (14)
      assert.deepEqual([28, 26, 27, 15, 14].map((n) => may1(c, 'SECONDARY_VM_EXEC_CONTROL', n)), [1, 0, 0, 1, 0]);
    });
    it('Yonah T2600: no secondary controls, no 64-bit host or guest, masks from the plain MSRs (no TRUE MSRs)', () => {
      const c = capsOf('yonah-coreduo-t2600');
      assert.equal(may1(c, 'CPU_BASED_VM_EXEC_CONTROL', 31), 0); // 0x482 = 0x7781fffe_0401e172
      assert.equal(of(c, 'SECONDARY_VM_EXEC_CONTROL').exists, false);
      assert.equal(of(c, 'EPT_POINTER').exists, false);
      assert.equal(may1(c, 'VM_EXIT_CONTROLS', 9), 0); // 0x483 = 0x0003edff_00036dff: host address-space size
      assert.equal(may1(c, 'VM_ENTRY_CONTROLS', 9), 0); // 0x484 = 0x00001dff_000011ff: IA-32e mode guest
      assert.deepEqual(of(c, 'PIN_BASED_VM_EXEC_CONTROL').masks, { allowed0: 0x16n, allowed1: 0x1fn }); // no virtual NMIs
      assert.equal(must1(c, 'CPU_BASED_VM_EXEC_CONTROL', 15), 1); // CR3-load exiting is default1 without TRUE MSRs
      assert.match(of(c, 'PIN_BASED_VM_EXEC_CONTROL').basis, /\(0x481\)/);
    });
    it('Penryn T9600: secondary controls without EPT, VPID or unrestricted guest; 64-bit host allowed', () => {
      const c = capsOf('penryn-core2-t9600');
      assert.deepEqual(of(c, 'SECONDARY_VM_EXEC_CONTROL').masks, { allowed0: 0n, allowed1: 0x41n }); // 0x48b = 0x41_00000000
      assert.equal(of(c, 'EPT_POINTER').exists, false);
      assert.equal(of(c, 'VIRTUAL_PROCESSOR_ID').exists, false);
      assert.equal(may1(c, 'VM_EXIT_CONTROLS', 9), 1); // 0x483 = 0x0003ffff_00036dff
      assert.equal(must1(c, 'CPU_BASED_VM_EXEC_CONTROL', 16), 1); // BASIC 0x005a0800_0000000d: bit 55 is 0
    });
    it('Westmere i5 M 520: unrestricted guest, no VM functions, four CR3 targets', () => {
      const c = capsOf('westmere-i5-m520');
      assert.equal(may1(c, 'SECONDARY_VM_EXEC_CONTROL', 7), 1); // 0x48b = 0xff_00000000
      assert.equal(may1(c, 'SECONDARY_VM_EXEC_CONTROL', 13), 0);
      const cr3 = of(c, 'CR3_TARGET_COUNT').constraints.map((k) => k.text).join(' ');
      assert.match(cr3, /\b4\b/); // 0x485 = 0x000401e5: bits 24:16 = 4
    });
    it('Cannon Lake i3-8121U: its two pin-based MSRs disagree on posted interrupts, and the masks say so', () => {
      const pin = of(capsOf('cannonlake-i3-8121u'), 'PIN_BASED_VM_EXEC_CONTROL');
      assert.equal(bit(pin.masks!.allowed1, 7), 0); // 0x48d = 0x7f_00000016, where 0x481 = 0xff_00000016
      assert.match(pin.notes.join(' '), /inconsistent: .*0x481.*0x48d.* bits 7\b/);
    });
  });

  it('never turns an MSR a profile lacks into a zero mask: removing MSRs makes answers unknown, never different', () => {
    let rng = 20261201;
    const next = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const records = catalogue().records.filter((r) => r.access === 'full');
    let checked = 0;
    for (const id of profileIds()) {
      const full = profileSnapshot(id);
      const whole = new CapabilitySet(full);
      // A profile whose MSRs contradict each other (Cannon Lake's 0x481 and 0x48d) may answer otherwise from a subset.
      if (whole.all().some((f) => f.notes.some((n) => n.startsWith('the data is inconsistent')))) continue;
      for (let trial = 0; trial < 12; trial++) {
        const kept = new Map([...full.msrs!].filter(() => next() < 0.6));
        const part = new CapabilitySet({ ...full, msrs: kept });
        for (const r of records) {
          const a = whole.of(r);
          const b = part.of(r);
          const where = `${id} without ${[...full.msrs!.keys()].filter((k) => !kept.has(k)).map((k) => k.toString(16)).join(',')}: ${r.encoding.toString(16)}`;
          if (b.exists !== null) assert.equal(b.exists, a.exists, where);
          // Masks of a field whose existence is unknown say what it allows if it exists.
          if (!b.masks || (b.exists === null && a.exists === false)) continue;
          assert.ok(a.masks, where);
          assert.equal(b.masks.allowed1, a.masks.allowed1, where);
          if (b.masks.allowed0 !== a.masks.allowed0) {
            // The one stand-in the SDM allows: without a TRUE MSR the plain one, whose default1 bits read as must-be-1.
            assert.equal(b.masks.allowed0 & a.masks.allowed0, a.masks.allowed0, where);
            assert.match(b.notes.join(' '), /default1 bits (are )?shown as must-be-1/, where);
          }
          checked++;
        }
      }
    }
    assert.ok(checked > 10000, `${checked} known answers compared`);
  });
});

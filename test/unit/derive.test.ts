// Expected masks below were worked out by hand from the SDM rules (Vol. 3D Appendix A) and each CPU's MSR values;
// the comments show the arithmetic. They are not produced by the code under test.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { capsFromMsrs, field } from './helpers';

const hex = (m: { allowed0: bigint; allowed1: bigint } | null) => (m ? { a0: '0x' + m.allowed0.toString(16), a1: '0x' + m.allowed1.toString(16) } : null);

// Intel Core i7-6700K (Skylake), from VirtualBox's Intel_Core_i7_6700K.h (see shared/reference).
const SKYLAKE = {
  '0x480': '0xda040000000004', '0x481': '0x7f00000016', '0x482': '0xfff9fffe0401e172', '0x483': '0x1ffffff00036dff',
  '0x484': '0x3ffff000011ff', '0x485': '0x7004c1e7', '0x486': '0x80000021', '0x487': '0xffffffff', '0x488': '0x2000',
  '0x489': '0x3727ff', '0x48a': '0x2e', '0x48b': '0x1ffcff00000000', '0x48c': '0xf0106334141', '0x48d': '0x7f00000016',
  '0x48e': '0xfff9fffe04006172', '0x48f': '0x1ffffff00036dfb', '0x490': '0x3ffff000011fb', '0x491': '0x1',
};
// Intel Core 2 X6800 (Conroe): IA32_VMX_BASIC bit 55 = 0 (no TRUE MSRs), primary proc allowed-1 bit 31 = 0 (no secondary controls).
const CONROE = {
  '0x480': '0x1a040000000007', '0x481': '0x1f00000016', '0x482': '0x77b9fffe0401e172', '0x483': '0x3efff00036dff',
  '0x484': '0x1fff000011ff', '0x485': '0x403c0', '0x486': '0x80000021', '0x487': '0xffffffff', '0x488': '0x2000',
  '0x489': '0x27ff', '0x48a': '0x2c',
};
// Intel Core i7-3960X (Sandy Bridge-E): TRUE MSRs, secondary controls without VM functions, PML, or VMCS shadowing.
const SANDYBRIDGE = {
  '0x480': '0xda040000000010', '0x481': '0x7f00000016', '0x482': '0xfff9fffe0401e172', '0x483': '0x7fffff00036dff',
  '0x484': '0xffff000011ff', '0x485': '0x100401e5', '0x486': '0x80000021', '0x487': '0xffffffff', '0x488': '0x2000',
  '0x489': '0x627ff', '0x48a': '0x2a', '0x48b': '0x4ff00000000', '0x48c': '0xf0106134141', '0x48d': '0x7f00000016',
  '0x48e': '0xfff9fffe04006172', '0x48f': '0x7fffff00036dfb', '0x490': '0xffff000011fb',
};

describe('derive: Skylake i7-6700K (TRUE MSRs, secondary controls, VM functions)', () => {
  const caps = capsFromMsrs(SKYLAKE);
  it('pin-based from IA32_VMX_TRUE_PINBASED_CTLS: must be 1 = bits 1, 2, 4; allowed-1 = bits 0-6', () => {
    const f = field(caps, 'VMCS_CTRL_PIN_BASED');
    assert.deepEqual(hex(f.masks), { a0: '0x16', a1: '0x7f' });
    assert.match(f.basis, /TRUE_PINBASED/);
  });
  it('primary proc from the TRUE MSR: CR3-load/store exiting (15, 16) become free; 0, 17, 18 must be 0', () => {
    // plain allowed-0 0x0401e172 has bits 15 and 16; TRUE allowed-0 0x04006172 = bits 1, 4-6, 8, 13, 14, 26
    const f = field(caps, 'CPU_BASED_VM_EXEC_CONTROL');
    assert.deepEqual(hex(f.masks), { a0: '0x4006172', a1: '0xfff9fffe' });
  });
  it('secondary proc exists (proc allowed-1 bit 31) with allowed-0 = 0 and allowed-1 = 0x1ffcff', () => {
    const f = field(caps, '0x401e');
    assert.equal(f.exists, true);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x1ffcff' });
  });
  it('tertiary controls do not exist (proc allowed-1 bit 17 = 0): masks 0/0', () => {
    const f = field(caps, '0x2034');
    assert.equal(f.exists, false);
    assert.equal(f.writable, false);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x0' });
  });
  it('exit controls from IA32_VMX_TRUE_EXIT_CTLS: save debug controls (bit 2) free', () => {
    assert.deepEqual(hex(field(caps, 'VM_EXIT_CONTROLS').masks), { a0: '0x36dfb', a1: '0x1ffffff' });
  });
  it('secondary exit controls do not exist (exit allowed-1 bit 31 = 0)', () => {
    assert.equal(field(caps, '0x2044').exists, false);
  });
  it('entry controls from IA32_VMX_TRUE_ENTRY_CTLS', () => {
    assert.deepEqual(hex(field(caps, 'VM_ENTRY_CONTROLS').masks), { a0: '0x11fb', a1: '0x3ffff' });
  });
  it('VM-function controls: 64-bit allowed-1 mask from IA32_VMX_VMFUNC (EPTP switching)', () => {
    const f = field(caps, '0x2018');
    assert.equal(f.exists, true);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x1' });
    assert.equal(field(caps, '0x2024').exists, true); // EPTP-list address needs VMFUNC bit 0
  });
  it('guest and host CR0/CR4 from the FIXED MSRs', () => {
    assert.deepEqual(hex(field(caps, 'GUEST_CR0').masks), { a0: '0x80000021', a1: '0xffffffff' });
    assert.deepEqual(hex(field(caps, 'HOST_CR4').masks), { a0: '0x2000', a1: '0x3727ff' });
  });
  it('guest CR0 notes the unrestricted-guest exemption of PE and PG (proc2 allowed-1 bit 7)', () => {
    assert.ok(field(caps, 'GUEST_CR0').notes.some((n) => /unrestricted guest/.test(n) && /0, 31/.test(n)));
    assert.equal(field(caps, 'HOST_CR0').notes.length, 0);
  });
  it('field existence follows the enabling controls', () => {
    assert.equal(field(caps, 'EPT_POINTER').exists, true); // proc2 bit 1
    assert.equal(field(caps, 'PML_ADDRESS').exists, true); // proc2 bit 17 (0x1ffcff bit 17 set)
    assert.equal(field(caps, 'POSTED_INTR_DESC_ADDR').exists, false); // pin allowed-1 0x7f: bit 7 clear
    assert.equal(field(caps, 'TSC_MULTIPLIER').exists, false); // proc2 bit 25 clear
    assert.equal(field(caps, 'VMX_PREEMPTION_TIMER_VALUE').exists, true); // pin bit 6
    assert.equal(field(caps, 'GUEST_IA32_RTIT_CTL').exists, false); // entry bit 18 and exit bit 25 both clear
    assert.equal(field(caps, 'GUEST_BNDCFGS').exists, true); // entry bit 16
    assert.equal(field(caps, 'EOI_EXIT_BITMAP0').exists, false); // proc2 bit 9 clear on this client part
  });
  it('plain writable fields: allowed-0 = 0, allowed-1 = all ones of the width', () => {
    assert.deepEqual(hex(field(caps, 'GUEST_RIP').masks), { a0: '0x0', a1: '0xffffffffffffffff' });
    assert.deepEqual(hex(field(caps, 'GUEST_ES_SELECTOR').masks), { a0: '0x0', a1: '0xffff' });
    assert.deepEqual(hex(field(caps, 'EXCEPTION_BITMAP').masks), { a0: '0x0', a1: '0xffffffff' });
  });
  it('read-only fields are writable with IA32_VMX_MISC bit 29 = 1 (0x7004c1e7), which the next VM exit overwrites', () => {
    const f = field(caps, 'VM_EXIT_REASON');
    assert.equal(f.writable, true);
    assert.equal(f.exists, true);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0xffffffff' });
    assert.ok(f.notes.some((n) => /bit 29 = 1: VMWRITE can write it .*next VM exit overwrites it/.test(n)), f.notes.join('; '));
  });
});

describe('read-only fields and IA32_VMX_MISC bit 29', () => {
  it('bit 29 = 0 (Sandy Bridge-E 0x100401e5): not writable, VMWRITE fails with error 13', () => {
    const f = field(capsFromMsrs(SANDYBRIDGE), 'EXIT_QUALIFICATION');
    assert.equal(f.writable, false);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x0' });
    assert.ok(f.notes.some((n) => /bit 29 = 0: VMWRITE to it fails with VM-instruction error 13/.test(n)));
  });
  it('no MISC: not writable, its masks unknown (not zero), and the basis says why', () => {
    const { '0x485': _misc, ...noMisc } = SANDYBRIDGE;
    const f = field(capsFromMsrs(noMisc), 'VM_EXIT_REASON');
    assert.equal(f.writable, false);
    assert.equal(f.masks, null);
    assert.match(f.basis, /^unknown: .*IA32_VMX_MISC \(0x485\) bit 29, which the source lacks/);
  });
});

describe('derive: Core 2 X6800 (no TRUE MSRs, no secondary controls)', () => {
  const caps = capsFromMsrs(CONROE);
  it('pin-based from the plain MSR: allowed-1 = bits 0-4 only', () => {
    const f = field(caps, '0x4000');
    assert.deepEqual(hex(f.masks), { a0: '0x16', a1: '0x1f' });
    assert.match(f.basis, /IA32_VMX_PINBASED_CTLS \(0x481\)/);
  });
  it('primary proc from the plain MSR keeps default1 bits 15 and 16 as must-be-1', () => {
    const f = field(caps, '0x4002');
    assert.deepEqual(hex(f.masks), { a0: '0x401e172', a1: '0x77b9fffe' });
  });
  it('ignores TRUE MSRs when IA32_VMX_BASIC bit 55 is 0, even if a snapshot carries one', () => {
    const withBogusTrue = capsFromMsrs({ ...CONROE, '0x48e': '0x77b9fffe04006172' });
    assert.deepEqual(hex(field(withBogusTrue, '0x4002').masks), { a0: '0x401e172', a1: '0x77b9fffe' });
  });
  it('secondary controls and everything they enable do not exist', () => {
    for (const name of ['0x401e', 'VIRTUAL_PROCESSOR_ID', 'EPT_POINTER', 'APIC_ACCESS_ADDR', 'GUEST_PHYSICAL_ADDRESS', 'VM_FUNCTION_CONTROL', 'EPTP_LIST_ADDRESS', 'GUEST_PDPTR0']) {
      assert.equal(field(caps, name).exists, false, name);
    }
    assert.deepEqual(hex(field(caps, '0x401e').masks), { a0: '0x0', a1: '0x0' });
  });
  it('exit and entry controls from the plain MSRs', () => {
    assert.deepEqual(hex(field(caps, '0x400c').masks), { a0: '0x36dff', a1: '0x3efff' });
    assert.deepEqual(hex(field(caps, '0x4012').masks), { a0: '0x11ff', a1: '0x1fff' });
  });
  it('fields of controls this CPU lacks do not exist', () => {
    assert.equal(field(caps, 'VMX_PREEMPTION_TIMER_VALUE').exists, false); // pin allowed-1 bit 6 = 0
    assert.equal(field(caps, 'GUEST_IA32_PAT').exists, false); // entry bit 14 and exit bit 18 clear
    assert.equal(field(caps, 'GUEST_IA32_EFER').exists, false); // entry bit 15 and exit bit 20 clear
    assert.equal(field(caps, 'HOST_IA32_PERF_GLOBAL_CTRL').exists, false); // exit bit 12 clear
    assert.equal(field(caps, 'VIRTUAL_APIC_PAGE_ADDR').exists, true); // proc bit 21 (use TPR shadow) set
    assert.equal(field(caps, 'MSR_BITMAP').exists, true); // proc bit 28 set
  });
  it('no unrestricted-guest note without secondary controls', () => {
    assert.equal(field(caps, 'GUEST_CR0').notes.length, 0);
  });
});

describe('derive: Sandy Bridge-E i7-3960X', () => {
  const caps = capsFromMsrs(SANDYBRIDGE);
  it('secondary controls: allowed-1 0x4ff (bits 0-7, 10)', () => {
    assert.deepEqual(hex(field(caps, 'SECONDARY_VM_EXEC_CONTROL').masks), { a0: '0x0', a1: '0x4ff' });
  });
  it('VM-function controls do not exist (proc2 bit 13 clear) although IA32_VMX_VMFUNC is absent', () => {
    assert.equal(field(caps, '0x2018').exists, false);
    assert.equal(field(caps, 'VMREAD_BITMAP').exists, false); // proc2 bit 14
    assert.equal(field(caps, 'PLE_GAP').exists, true); // proc2 bit 10
    assert.equal(field(caps, 'GUEST_BNDCFGS').exists, false); // entry allowed-1 0xffff (bit 16 clear), exit 0x7fffff (bit 23 clear)
  });
});

describe('derive: incomplete and contradictory data', () => {
  it('a secondary-control MSR missing although proc allowed-1 bit 31 says it exists: masks unknown, field exists', () => {
    const { '0x48b': _omit, ...rest } = SKYLAKE;
    const f = field(capsFromMsrs(rest), '0x401e');
    assert.equal(f.masks, null);
    assert.equal(f.exists, true);
    assert.equal(field(capsFromMsrs(rest), 'EPT_POINTER').exists, null);
  });
  it('BASIC bit 55 set but the TRUE MSR missing: the plain MSR with a note', () => {
    const { '0x48d': _omit, ...rest } = SKYLAKE;
    const f = field(capsFromMsrs(rest), '0x4000');
    assert.deepEqual(hex(f.masks), { a0: '0x16', a1: '0x7f' });
    assert.ok(f.notes.some((n) => /TRUE_PINBASED/.test(n)));
  });
  it('a bit required 1 but not allowed 1 is reported, not hidden', () => {
    const f = field(capsFromMsrs({ ...CONROE, '0x481': '0x1f00000036' }), '0x4000'); // bit 5 in allowed-0 only
    assert.ok(f.notes.some((n) => /contradictory.*bits 5\b/.test(n)));
  });
  it('a 64-bit tertiary mask is not split into halves', () => {
    const msrs = { ...SKYLAKE, '0x482': '0xfffbfffe0401e172', '0x48e': '0xfffbfffe04006172', '0x492': '0x8000000000000012' };
    const f = field(capsFromMsrs(msrs), 'TERTIARY_VM_EXEC_CONTROL');
    assert.equal(f.exists, true); // proc allowed-1 now has bit 17
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x8000000000000012' });
    assert.equal(field(capsFromMsrs(msrs), 'PID_POINTER_TABLE').exists, true); // tertiary bit 4
    assert.equal(field(capsFromMsrs(msrs), '0x2040').exists, true); // tertiary bit 1
    assert.equal(field(capsFromMsrs(msrs), 'SPEC_CTRL_MASK').exists, false); // tertiary bit 7 clear
  });
  it('a 64-bit secondary-exit mask is not split either', () => {
    const msrs = { ...SKYLAKE, '0x483': '0x81ffffff00036dff', '0x48f': '0x81ffffff00036dfb', '0x493': '0x0000000100000003' };
    const f = field(capsFromMsrs(msrs), '0x2044');
    assert.equal(f.exists, true);
    assert.deepEqual(hex(f.masks), { a0: '0x0', a1: '0x100000003' });
    assert.equal(field(capsFromMsrs(msrs), 'HOST_IA32_FRED_CONFIG').exists, true); // exit2 bit 1
  });
});

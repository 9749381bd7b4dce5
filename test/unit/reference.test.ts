import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { referenceAt } from '../../src/core/source/reference';

function at(line: string, word: string, offset = 1) {
  const i = line.indexOf(word);
  assert.ok(i >= 0, word);
  return referenceAt(line, i + offset);
}

describe('referenceAt', () => {
  it('finds field names of every scheme', () => {
    const ref = at('\thv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, cap2ctrl(cap, 0));', 'VMCS_CTRL_PIN_BASED');
    assert.equal(ref?.kind === 'field' && ref.record.encoding, 0x4000);
    assert.equal(ref?.kind === 'field' && ref.via, 'name');
    const linux = at('vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, x);', 'PIN_BASED_VM_EXEC_CONTROL', 25);
    assert.equal(linux?.kind === 'field' && linux.record.encoding, 0x4000);
    const bhyve = at('vmwrite(VMCS_GUEST_RIP, rip);', 'VMCS_GUEST_RIP');
    assert.equal(bhyve?.kind === 'field' && bhyve.record.encoding, 0x681e);
  });
  it('finds Rust paths by their longest known suffix', () => {
    const ref = at('vmwrite(vmcs::guest::RIP, rip)?;', 'RIP');
    assert.equal(ref?.kind === 'field' && ref.record.encoding, 0x681e);
    assert.equal(ref?.kind === 'field' && ref.text, 'guest::RIP');
  });
  it('resolves raw encodings only in the field argument of an accessor', () => {
    const ref = at('hv_vmx_vcpu_write_vmcs(vcpu, 0x681e, GUEST_ENTRY);', '0x681e');
    assert.equal(ref?.kind === 'field' && ref.record.name, 'Guest RIP');
    assert.equal(ref?.kind === 'field' && ref.via, 'encoding');
    assert.equal(at('vmcs_write32(0x4000, 0x16);', '0x4000')?.kind, 'field');
    assert.equal(at('vmcs_write32(0x4000, 0x16);', '0x16'), undefined); // the value, not the field
    assert.equal(at('int x = 0x4000;', '0x4000'), undefined);
    assert.equal(at('memset(buf, 0x4000, n);', '0x4000'), undefined);
    // haxm-style vmwrite(vcpu, field, value) vs bhyve-style vmwrite(field, value)
    assert.equal(at('vmwrite(vcpu, 0x4002, v);', '0x4002')?.kind, 'field');
    assert.equal(at('vmwrite(0x4002, v);', '0x4002')?.kind, 'field');
  });
  it('finds control-bit names', () => {
    const ref = at('x = PIN_BASED_NMI_EXITING | y;', 'PIN_BASED_NMI_EXITING');
    assert.equal(ref?.kind === 'bit' && `${ref.bit.control}:${ref.bit.bit}`, 'pin:3');
    const apple = at('cap2ctrl(cap, CPU_BASED2_UNRESTRICTED)', 'CPU_BASED2_UNRESTRICTED');
    assert.equal(apple?.kind === 'bit' && `${apple.bit.control}:${apple.bit.bit}`, 'proc2:7');
  });
  it('says nothing about other identifiers, strings of digits or blanks', () => {
    assert.equal(at('static void setup_controls(hv_vcpuid_t vcpu)', 'setup_controls'), undefined);
    assert.equal(at('uint64_t exit_reason = 0;', 'exit_reason'), undefined);
    assert.equal(referenceAt('    ', 2), undefined);
    assert.equal(at('guest_rip = 5;', 'guest_rip'), undefined); // case matters in source code
  });
});

// A deterministic 10,000-line hypervisor source for benchmarks: VMCS writes and reads in the Apple, Linux and
// bhyve/QEMU styles, raw encodings, comments, strings, #if 0 blocks and ordinary code around them.
const SNIPPETS: readonly ((i: number) => string)[] = [
  (i) => `\thv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, cap2ctrl(pin_cap, PIN_BASED_INTR | PIN_BASED_NMI)); /* ${i} */`,
  (i) => `\tvmcs_write32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING | ${i % 7});`,
  () => `\twvmcs(fd, VMCS_GUEST_RIP, rip);`,
  () => `\thv_vmx_vcpu_write_vmcs(vcpu, 0x681e, entry);`,
  (i) => `\tstatic int helper_${i}(struct vcpu *v, unsigned long x) { return v->regs[x & 15] + ${i}; }`,
  (i) => `\t/* refresh the cached state of register ${i} before the next entry */`,
  (i) => `\tif (exit_reason == ${i % 64}) handle_exit(vcpu, "exit ${i}");`,
  () => `\tvmcs_writel(GUEST_CR0, 0x80000031);`,
  (i) => `\tu64 value_${i} = vmcs_read64(GUEST_IA32_EFER) | (1ull << ${i % 60});`,
  (i) => `\tfor (int k = 0; k < ${i % 32}; k++) sum += table[k] * weight[k];`,
  () => `\tvmwrite(VMCS_ENTRY_CTLS, entry_ctls);`,
  (i) => `\tprintk(KERN_DEBUG "vcpu %d: rip %lx\\n", vcpu->id, ${i});`,
];

export function hypervisorSource(lines = 10000): string {
  const out: string[] = ['#include <stdint.h>', '#include "vmx.h"', ''];
  for (let i = 0; out.length < lines; i++) {
    if (i % 50 === 0) out.push(`static void setup_${i}(hv_vcpuid_t vcpu, uint64_t pin_cap)`, '{');
    out.push(SNIPPETS[(i * 7) % SNIPPETS.length](i));
    if (i % 50 === 49) out.push('}', '');
    if (i % 400 === 0) out.push('#if 0', '\tvmcs_write32(SECONDARY_VM_EXEC_CONTROL, 0xffffffff);', '#endif');
  }
  return out.slice(0, lines).join('\n') + '\n';
}

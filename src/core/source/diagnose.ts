// Turns constant writes found by the scanner into findings against a capability set: values the masks reject,
// writes to read-only fields, and writes to fields the CPU does not have. Each finding carries its fixes.
import { bitInfo } from '../catalogue/bits';
import type { CapabilitySet } from '../caps/capset';
import { bitNameOf, CONTROL_BY_FIELD, CONTROL_BY_KEY, parseCapabilityBit } from '../catalogue/controls';
import { bitRanges, hex } from '../catalogue/hex';
import { adjust, type Violation } from '../caps/masks';
import { writeViolations, writtenMasks } from '../caps/write-check';
import { writeAcross, type Fleet } from '../caps/fleet';
import { writeAcrossText } from '../caps/fleet-text';
import type { ScanResult, ScanWrite } from './scan';

export type FindingKind = 'value' | 'constraint' | 'read-only' | 'missing-field' | 'targets';
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * How sure a finding is that the write fails as written (DESIGN.md §7): a warning only when it does on the selected
 * CPU. A write to a field the CPU lacks is usually behind a run-time feature test, so it is a hint; a write to a
 * read-only field whose fate the data does not tell (no IA32_VMX_MISC) is a hint too.
 */
export interface SeverityPolicy {
  value: Severity;
  readOnly: Severity;
  missingField: Severity;
}

export const DEFAULT_POLICY: SeverityPolicy = { value: 'warning', readOnly: 'warning', missingField: 'hint' };

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  write: ScanWrite;
  message: string;
  violations: (Violation & { name: string })[];
  /** (value | allowed0) & allowed1, for a value finding. */
  adjusted?: bigint;
  /** Replacement text that wraps the value in the file's own adjust helper, when the file has what it needs. */
  wrapped?: string;
}

/** "needs Secondary processor-based VM-execution controls bit 25 (Use TSC scaling)". */
function needs(refs: readonly string[]): string {
  return refs
    .map((ref) => {
      const { control, bit } = parseCapabilityBit(ref);
      const c = CONTROL_BY_KEY.get(control)!;
      const name = c.bitByNumber.get(bit)?.name;
      return `${c.title} bit ${bit}${name ? ` (${name})` : ''}`;
    })
    .join(' or ');
}

function describeViolations(vs: Finding['violations'], sourceId: string): string {
  const groups = new Map<string, number[]>();
  for (const v of vs) {
    const key = `${v.state}|${v.name}`;
    groups.set(key, [...(groups.get(key) ?? []), v.bit]);
  }
  return [...groups]
    .map(([key, bits]) => {
      const [state, name] = key.split('|');
      const what = `bit${bits.length > 1 ? 's' : ''} ${bitRanges(bits)}${name ? ` (${name})` : ''}`;
      if (state === 'must-be-1') return `${what} must be 1 but ${bits.length > 1 ? 'are' : 'is'} clear`;
      if (state === 'must-be-0') return `${what} must be 0 on ${sourceId}`;
      return `${what} ${bits.length > 1 ? 'have' : 'has'} contradictory capability data on ${sourceId}`;
    })
    .join('; ');
}

/**
 * The names by which the conditions around a write test every bit it sets that this CPU lacks (`if (ctrl_cpu_rev[1].clr
 * & CPU_VINTD) vmcs_write(CPU_EXEC_CTRL1, CPU_VINTD)`): such a write runs only on CPUs that have them (DESIGN.md §7).
 * Undefined when a violation is a bit that must be 1, or a bit no condition names.
 */
function guardedBits(scan: ScanResult, w: ScanWrite, control: string, violations: readonly Violation[]): string[] | undefined {
  if (violations.some((v) => v.state !== 'must-be-0')) return undefined;
  const tested = new Map<number, string>();
  for (const name of scan.guardsAt(w.field.start)) {
    const b = bitNameOf(name) ?? bitNameOf(name.split('::').pop()!);
    if (b && b.bit.control === control && !tested.has(b.bit.bit)) tested.set(b.bit.bit, name);
  }
  if (!violations.every((v) => tested.has(v.bit))) return undefined;
  return [...new Set(violations.map((v) => tested.get(v.bit)!))];
}

/**
 * Findings on the selected CPU, and with `targets` one more per constant write that some of those CPUs reject (a write
 * to a field some lack is left alone, as on the selected CPU: real code tests the feature first).
 */
export function diagnose(scan: ScanResult, caps: CapabilitySet, sourceId: string, policy: SeverityPolicy = DEFAULT_POLICY, targets?: Fleet): Finding[] {
  const out: Finding[] = [];
  if (targets?.length) {
    for (const w of scan.writes) {
      if (w.constant === undefined || (w.record.full ?? w.record).type === 'read-only') continue;
      const message = writeAcrossText(w.record, w.constant, writeAcross(targets, w.record, w.constant), targets.length);
      if (message) out.push({ kind: 'targets', severity: policy.value, write: w, violations: [], message });
    }
  }
  const vmwriteAny = caps.vmwriteAnyField;
  for (const w of scan.writes) {
    const record = w.record.full ?? w.record;
    const fc = caps.of(record);
    if (record.type === 'read-only') {
      // With IA32_VMX_MISC bit 29 = 1 VMWRITE may write exit-information fields (nested hypervisors do).
      if (vmwriteAny === true) continue;
      const message =
        vmwriteAny === false
          ? `writes to ${record.name} (${record.hex}), a read-only VM-exit information field: VMWRITE fails (VM-instruction error 13) because IA32_VMX_MISC bit 29 is 0 on ${sourceId}`
          : `writes to ${record.name} (${record.hex}), a read-only VM-exit information field: VMWRITE succeeds only where IA32_VMX_MISC bit 29 is 1, which ${sourceId} does not say`;
      out.push({ kind: 'read-only', severity: vmwriteAny === false ? policy.readOnly : 'hint', write: w, violations: [], message });
      continue;
    }
    if (fc.exists === false) {
      const why = record.requires ? `: it needs ${needs(record.requires)}` : '';
      out.push({ kind: 'missing-field', severity: policy.missingField, write: w, violations: [], message: `${record.name} (${record.hex}) does not exist on ${sourceId}${why}` });
      continue;
    }
    if (w.constant === undefined || !fc.masks) continue;
    const written = writtenMasks(caps, w.record, w.constant)!;
    const { masks, value } = written;
    // Beyond the masks: what VM entry asks of the value (CR3-target count, activity state, EPTP, …).
    if (w.record.access === 'full') {
      for (const c of fc.constraints) {
        const broken = c.check?.(value);
        if (broken) out.push({ kind: 'constraint', severity: c.severity === 'fail' ? policy.value : 'information', write: w, violations: [], message: `writes ${hex(w.constant)} to ${record.name}: ${broken}` });
      }
    }
    const violations = writeViolations(caps, w.record, w.constant)!;
    if (!violations.length) continue;
    const named = violations.map((v) => ({ ...v, name: bitInfo(w.record, v.bit)?.name ?? '' }));
    const adjusted = adjust(masks, value);
    const control = CONTROL_BY_FIELD.get(record.encoding);
    const guard = control && w.record.access === 'full' ? guardedBits(scan, w, control.key, named) : undefined;
    const context = control ? scan.fileContext() : undefined;
    const capVar = control && context?.capabilityVars.get(control.key);
    const helper = context?.adjustHelper;
    const wrapped = helper && helper.args === 2 && capVar ? `${helper.name}(${capVar}, ${w.value.text})` : helper && helper.args === 1 && control ? `${helper.name}(${w.value.text})` : undefined;
    out.push({
      kind: 'value',
      severity: guard ? 'hint' : policy.value,
      write: w,
      violations: named,
      adjusted,
      ...(wrapped ? { wrapped } : {}),
      message: `writes ${hex(w.constant)} to ${record.name}: ${describeViolations(named, sourceId)}${guard ? `; the write runs only behind a test of ${guard.join(', ')}` : ''}`,
    });
  }
  return out;
}

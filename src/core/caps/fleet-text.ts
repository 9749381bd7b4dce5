// One-line answers across target CPUs, shared by hovers, diagnostics and the CLI: counts first, then the CPUs that
// differ (at most six named).
import type { FieldRecord } from '../catalogue/catalogue';
import { bitInfo } from '../catalogue/bits';
import { bitRanges, hex } from '../catalogue/hex';
import type { BitAcross, FieldAcross, Target, WriteAcross } from './fleet';

const SHOWN = 6;

/** "Penryn T9600, Yonah T2600 and 3 more". */
export function cpuList(targets: readonly Target[], shown = SHOWN): string {
  const names = targets.map((t) => t.label);
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

const unknownPart = (ts: readonly Target[]) => (ts.length ? `; unknown on: ${cpuList(ts)}` : '');

/** "Allowed on 19 of 24 target CPUs; must be 0 on: Penryn T9600, Yonah T2600, …": the smaller group is the one named. */
export function bitAcrossText(a: BitAcross, total: number): string {
  if (a.may1.length === total) return a.must1.length ? `Allowed on all ${total} target CPUs; must be 1 on: ${cpuList(a.must1)}` : `Allowed on all ${total} target CPUs`;
  const head = `Allowed on ${a.may1.length} of ${total} target CPUs`;
  const parts = [a.may1.length && a.may1.length < a.must0.length ? `${head}: ${cpuList(a.may1)}` : head];
  if (a.must0.length && a.must0.length <= a.may1.length) parts.push(`must be 0 on: ${cpuList(a.must0)}`);
  if (a.must1.length) parts.push(`must be 1 on: ${cpuList(a.must1)}`);
  return parts.join('; ') + unknownPart(a.unknown);
}

/** "Exists on 20 of 24 target CPUs; not on: …". */
export function fieldAcrossText(a: FieldAcross, total: number): string {
  const head = a.exists.length === total ? `Exists on all ${total} target CPUs` : `Exists on ${a.exists.length} of ${total} target CPUs`;
  return head + (a.missing.length ? `; not on: ${cpuList(a.missing)}` : '') + unknownPart(a.unknown);
}

/** "writes 0x… to X: rejected by 2 of 24 target CPUs: bit 26 (…) must be 0 on: Tiger Lake i5-1135G7, …"; undefined if none rejects it. */
export function writeAcrossText(record: FieldRecord, value: bigint, a: WriteAcross, total: number): string | undefined {
  if (!a.rejecting.length) return undefined;
  // One clause per rule and set of CPUs: the bits one group of CPUs rejects the same way are named together.
  const clauses = new Map<string, { state: string; bits: number[]; targets: Target[] }>();
  for (const { target, violations } of a.rejecting) {
    for (const v of violations) {
      const key = `${v.state}|${v.bit}`;
      const c = clauses.get(key) ?? { state: v.state, bits: [v.bit], targets: [] };
      c.targets.push(target);
      clauses.set(key, c);
    }
  }
  const grouped = new Map<string, { state: string; bits: number[]; targets: Target[] }>();
  for (const c of clauses.values()) {
    const key = `${c.state}|${c.targets.map((t) => t.id).join(',')}`;
    const g = grouped.get(key);
    if (g) g.bits.push(...c.bits);
    else grouped.set(key, { ...c, bits: [...c.bits] });
  }
  const parts = [...grouped.values()].map((g) => {
    const rule = g.state === 'must-be-1' ? 'must be 1' : g.state === 'must-be-0' ? 'must be 0' : 'has contradictory data';
    const on = g.targets.length === total ? `all ${total}` : cpuList(g.targets);
    return `${bitsText(record, g.bits)} ${rule} on: ${on}`;
  });
  const shown = parts.length > 4 ? [...parts.slice(0, 4), `${parts.length - 4} more`] : parts;
  return `writes ${hex(value)} to ${record.name}: rejected by ${a.rejecting.length} of ${total} target CPUs: ${shown.join('; ')}` + unknownPart(a.unknown);
}

/** "bit 26 (Enable user wait and pause)", "bits 0, 1, 3-8 (reserved (default1))", "bit 1 (Enable EPT), bit 7 (…)". */
function bitsText(record: FieldRecord, bits: number[]): string {
  const sorted = [...bits].sort((x, y) => x - y);
  const names = sorted.map((b) => bitInfo(record, b)?.name);
  if (new Set(names).size === 1) return `bit${sorted.length > 1 ? 's' : ''} ${bitRanges(sorted)}${names[0] ? ` (${names[0]})` : ''}`;
  return sorted.map((b, i) => `bit ${b}${names[i] ? ` (${names[i]})` : ''}`).join(', ');
}

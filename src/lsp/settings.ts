// The language server's settings, from the client's initializationOptions and workspace/didChangeConfiguration
// (`{ "vmcsInspector": { … } }` or the same keys bare). A client's workspace settings may pick a profile, a snapshot
// and target CPUs, never a hardware source or a native path: those come only from the server's command line.
import { isAbsolute, join } from 'node:path';
import type { AccessorSpec } from '../core/source/accessors';
import { withAccessors } from '../core/source/accessors';
import type { Severity } from '../core/source/diagnose';
import { targetSpecs } from '../capabilities/targets';

export type SeveritySetting = Severity | 'off';

export interface Settings {
  /** A profile or snapshot spec the client asked for; undefined: the server's own (command-line) source. */
  clientSpec?: string;
  targets: string[];
  severity: SeveritySetting;
  missingFieldSeverity: SeveritySetting;
  accessors: AccessorSpec[];
  maxFileSize: number;
  hoverEnabled: boolean;
}

export const DEFAULT_SETTINGS: Settings = { targets: [], severity: 'warning', missingFieldSeverity: 'hint', accessors: [], maxFileSize: 2_000_000, hoverEnabled: true };

const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];
const HARDWARE = ['auto', 'hvf', 'kvm', 'msr'];
const NATIVE_KEYS = ['hvf.library', 'hvf.runtime', 'kvm.device', 'msr.device', 'probe.timeoutMs'];

// A key as written ("kvm.device") or nested ({ kvm: { device } }), as clients send either.
const get = (o: Record<string, unknown>, key: string): unknown =>
  key in o ? o[key] : key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/** Reads the settings; what it refuses or cannot use is returned as one-line problems, never thrown. */
export function readSettings(raw: unknown, root: string | undefined): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const all = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const o = (all.vmcsInspector && typeof all.vmcsInspector === 'object' ? all.vmcsInspector : all) as Record<string, unknown>;
  const s: Settings = { ...DEFAULT_SETTINGS, accessors: [] };
  const text = (key: string) => {
    const v = get(o, key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    problems.push(`vmcsInspector.${key}: expected a string, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const source = text('source');
  const profile = text('profile');
  const snapshot = text('snapshotPath');
  if (source && HARDWARE.includes(source)) problems.push(`vmcsInspector.source: "${source}" comes only from the server's command line (vmcs lsp --source ${source}); the server's own source is used`);
  else if (source === 'snapshot') {
    if (!snapshot) problems.push('vmcsInspector.source is "snapshot" but vmcsInspector.snapshotPath is empty');
    else s.clientSpec = `snapshot:${isAbsolute(snapshot) || !root ? snapshot : join(root, snapshot)}`;
  } else if (source === 'profile' || (!source && profile)) s.clientSpec = `profile:${profile ?? ''}`;
  else if (source) problems.push(`vmcsInspector.source: unknown source ${JSON.stringify(source)} (a client may choose "profile" or "snapshot")`);
  for (const key of NATIVE_KEYS) if (get(o, key) !== undefined) problems.push(`vmcsInspector.${key} is ignored: native paths come only from the server's command line or environment`);
  const targets = get(o, 'targets');
  if (targets !== undefined) {
    if (typeof targets === 'string' || (Array.isArray(targets) && targets.every((t) => typeof t === 'string'))) s.targets = targetSpecs(targets as string | string[]);
    else problems.push(`vmcsInspector.targets: expected "all", a string or a list of strings, got ${JSON.stringify(targets)}`);
  }
  for (const [key, field] of [['diagnostics.severity', 'severity'], ['diagnostics.missingFieldSeverity', 'missingFieldSeverity']] as const) {
    const v = get(o, key);
    if (v === undefined) continue;
    if (typeof v === 'string' && SEVERITIES.includes(v)) s[field] = v as SeveritySetting;
    else problems.push(`vmcsInspector.${key}: expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(v)}`);
  }
  const max = get(o, 'diagnostics.maxFileSize');
  if (max !== undefined) {
    if (typeof max === 'number' && max > 0) s.maxFileSize = max;
    else problems.push(`vmcsInspector.diagnostics.maxFileSize: expected a positive number, got ${JSON.stringify(max)}`);
  }
  const hover = get(o, 'hover.enabled');
  if (typeof hover === 'boolean') s.hoverEnabled = hover;
  const accessors = get(o, 'accessors');
  if (accessors !== undefined) {
    try {
      if (!Array.isArray(accessors)) throw new Error('vmcsInspector.accessors: expected an array of { "name", "field", "value" }');
      withAccessors(accessors as AccessorSpec[], 'vmcsInspector.accessors');
      s.accessors = accessors as AccessorSpec[];
    } catch (e) {
      problems.push(`${(e as Error).message}; only the built-in accessors are used`);
    }
  }
  return { settings: s, problems };
}

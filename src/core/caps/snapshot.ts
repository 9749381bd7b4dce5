// Snapshot files (`*.vmcs.json`, format "vmcs-capabilities" version 1): strict validation with errors that name
// the file, the key path and, where it can be found, the line; and the canonical serialisation.
import { catalogue } from '../catalogue/catalogue';
import { HV_CAP_BY_NAME, MSR_NAMES } from '../catalogue/controls';
import { encodingHex, parseEncoding } from '../catalogue/encoding';
import { hex, parseHex64 } from '../catalogue/hex';
import { describe, duplicateKey, lineOf, parseJson, pathText, type JsonPath } from '../catalogue/json-text';
import type { Masks } from './masks';

export const SNAPSHOT_FORMAT = 'vmcs-capabilities';
export const SNAPSHOT_VERSION = 1;
export const SOURCE_KINDS = ['hvf', 'kvm', 'msr', 'profile', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SnapshotSource {
  kind: SourceKind;
  description: string;
  cpu?: string;
  /** A short label for lists of CPUs ("Tiger Lake i5-1135G7"). */
  name?: string;
  /** The microarchitecture or code name ("Tiger Lake"). */
  generation?: string;
  capturedAt?: string;
  /** Public source of the data (embedded profiles). */
  reference?: string;
}

export interface Snapshot {
  source: SnapshotSource;
  msrs?: Map<number, bigint>;
  hvCaps?: Map<string, bigint>;
  fields?: Map<number, Masks>;
  /** CPUID 80000008H: physical- and linear-address widths; VM-entry checks on addresses need them. */
  addressWidths?: AddressWidths;
}

export interface AddressWidths {
  physical?: number;
  linear?: number;
}

export class SnapshotError extends Error {}

const TOP_KEYS = new Set(['$schema', 'format', 'version', 'source', 'msrs', 'hvCaps', 'fields', 'addressWidths']);
const SOURCE_KEYS = new Set(['kind', 'name', 'generation', 'description', 'cpu', 'capturedAt', 'reference']);
const SOURCE_TEXTS = ['name', 'generation', 'cpu', 'capturedAt', 'reference'] as const;

type Path = JsonPath;

/** Parses and validates snapshot text; `where` names the file in errors. Throws SnapshotError with one line. */
export function parseSnapshot(text: string, where: string): Snapshot {
  const parsed = parseJson(text, where);
  if ('error' in parsed) throw new SnapshotError(parsed.error);
  const dup = duplicateKey(text);
  if (dup) throw new SnapshotError(`${where}:${dup.line}: ${pathText(dup.path)}: given twice`);
  return validateSnapshot(parsed.data, where, text);
}

/** Validates already-parsed JSON; `text`, when given, lets errors carry line numbers. */
export function validateSnapshot(data: unknown, where: string, text?: string): Snapshot {
  const fail = (path: Path, message: string): never => {
    const line = text === undefined ? undefined : lineOf(text, path);
    throw new SnapshotError(`${where}${line ? `:${line}` : ''}: ${path.length ? pathText(path) + ': ' : ''}${message}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const hex64 = (v: unknown, path: Path): bigint => {
    const value = parseHex64(v);
    if (value === undefined) {
      const detail = typeof v === 'string' && /^-/.test(v) ? ' (negative)' : typeof v === 'string' && /^0x[0-9a-f]{17,}$/i.test(v) ? ' (2^64 or more)' : '';
      return fail(path, `expected a hex string "0x…" of at most 16 digits, got ${describe(v)}${detail}`);
    }
    return value;
  };

  if (!isObject(data)) return fail([], `expected a JSON object, got ${describe(data)}`);
  for (const key of Object.keys(data)) if (!TOP_KEYS.has(key)) fail([key], `unknown key (expected one of ${[...TOP_KEYS].slice(1).join(', ')})`);
  if (data.format !== SNAPSHOT_FORMAT) fail(['format'], `expected "${SNAPSHOT_FORMAT}", got ${describe(data.format)}`);
  if (data.version !== SNAPSHOT_VERSION) fail(['version'], `unsupported version ${describe(data.version)} (this build reads version ${SNAPSHOT_VERSION})`);

  const src = data.source;
  if (!isObject(src)) return fail(['source'], `expected an object with kind and description, got ${describe(src)}`);
  for (const key of Object.keys(src)) if (!SOURCE_KEYS.has(key)) fail(['source', key], `unknown key (expected one of ${[...SOURCE_KEYS].join(', ')})`);
  if (!SOURCE_KINDS.includes(src.kind as SourceKind)) fail(['source', 'kind'], `expected one of ${SOURCE_KINDS.join(', ')}, got ${describe(src.kind)}`);
  for (const key of ['description', ...SOURCE_TEXTS]) {
    if (src[key] !== undefined && typeof src[key] !== 'string') fail(['source', key], `expected a string, got ${describe(src[key])}`);
  }
  if (typeof src.description !== 'string') fail(['source', 'description'], 'missing (a string saying where the data comes from)');
  if (typeof src.capturedAt === 'string' && Number.isNaN(Date.parse(src.capturedAt))) fail(['source', 'capturedAt'], `expected an ISO-8601 date, got ${describe(src.capturedAt)}`);
  const source = { kind: src.kind, description: src.description } as SnapshotSource;
  for (const key of SOURCE_TEXTS) if (typeof src[key] === 'string') source[key] = src[key] as string;

  const snapshot: Snapshot = { source };
  if (data.msrs !== undefined) {
    if (!isObject(data.msrs)) fail(['msrs'], `expected an object of "0x480": "0x…" pairs, got ${describe(data.msrs)}`);
    snapshot.msrs = new Map();
    for (const [key, v] of Object.entries(data.msrs as object)) {
      const index = /^0x[0-9a-f]+$/i.test(key) ? parseInt(key, 16) : NaN;
      if (!MSR_NAMES.has(index)) fail(['msrs', key], 'not a VMX capability MSR (expected 0x480 to 0x493)');
      if (snapshot.msrs.has(index)) fail(['msrs', key], 'given twice');
      snapshot.msrs.set(index, hex64(v, ['msrs', key]));
    }
  }
  if (data.hvCaps !== undefined) {
    if (!isObject(data.hvCaps)) fail(['hvCaps'], `expected an object of "HV_VMX_CAP_…": "0x…" pairs, got ${describe(data.hvCaps)}`);
    snapshot.hvCaps = new Map();
    for (const [key, v] of Object.entries(data.hvCaps as object)) {
      if (!HV_CAP_BY_NAME.has(key)) fail(['hvCaps', key], `not a Hypervisor.framework capability (expected HV_VMX_CAP_PINBASED, HV_VMX_CAP_PROCBASED, …)`);
      snapshot.hvCaps.set(key, hex64(v, ['hvCaps', key]));
    }
  }
  if (data.fields !== undefined) {
    if (!isObject(data.fields)) fail(['fields'], `expected an object of "0x4000": { allowed0, allowed1 } entries, got ${describe(data.fields)}`);
    snapshot.fields = new Map();
    for (const [key, v] of Object.entries(data.fields as object)) {
      const enc = /^0x[0-9a-f]{1,4}$/i.test(key) ? parseEncoding(key)! : NaN;
      const record = catalogue().byEncodingNumber(enc);
      if (!record) fail(['fields', key], 'unknown VMCS field encoding');
      if (record!.access === 'high') fail(['fields', key], `the high half of ${record!.full!.hex}: give masks for the full field`);
      if (snapshot.fields.has(enc)) fail(['fields', key], 'given twice');
      if (!isObject(v)) fail(['fields', key], `expected { "allowed0": "0x…", "allowed1": "0x…" }, got ${describe(v)}`);
      const entry = v as Record<string, unknown>;
      for (const k of Object.keys(entry)) if (k !== 'allowed0' && k !== 'allowed1') fail(['fields', key, k], 'unknown key (expected allowed0, allowed1)');
      for (const k of ['allowed0', 'allowed1']) if (entry[k] === undefined) fail(['fields', key, k], 'missing');
      snapshot.fields.set(enc, { allowed0: hex64(entry.allowed0, ['fields', key, 'allowed0']), allowed1: hex64(entry.allowed1, ['fields', key, 'allowed1']) });
    }
  }
  if (data.addressWidths !== undefined) {
    const w = data.addressWidths;
    if (!isObject(w)) fail(['addressWidths'], `expected { "physical": 39, "linear": 48 }, got ${describe(w)}`);
    const widths: AddressWidths = {};
    for (const [key, v] of Object.entries(w as object)) {
      const range = key === 'physical' ? [32, 52] : key === 'linear' ? [48, 57] : undefined;
      if (!range) fail(['addressWidths', key], 'unknown key (expected physical, linear)');
      if (!Number.isInteger(v) || v < range![0] || v > range![1]) fail(['addressWidths', key], `expected a bit count from ${range![0]} to ${range![1]}, got ${describe(v)}`);
      widths[key as keyof AddressWidths] = v as number;
    }
    snapshot.addressWidths = widths;
  }
  if (!snapshot.msrs?.size && !snapshot.hvCaps?.size && !snapshot.fields?.size) {
    fail([], 'no capability data: give at least one of msrs, hvCaps or fields');
  }
  return snapshot;
}

/** The snapshot as JSON text: keys in a stable order, every 64-bit value as a "0x…" string. */
export function serializeSnapshot(s: Snapshot): string {
  const out: Record<string, unknown> = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, source: s.source };
  if (s.msrs?.size) out.msrs = Object.fromEntries([...s.msrs].sort((a, b) => a[0] - b[0]).map(([k, v]) => [hex(BigInt(k)), hex(v)]));
  if (s.hvCaps?.size) out.hvCaps = Object.fromEntries([...s.hvCaps].sort((a, b) => HV_CAP_BY_NAME.get(a[0])!.id - HV_CAP_BY_NAME.get(b[0])!.id).map(([k, v]) => [k, hex(v)]));
  if (s.fields?.size) {
    out.fields = Object.fromEntries([...s.fields].sort((a, b) => a[0] - b[0]).map(([k, m]) => [encodingHex(k), { allowed0: hex(m.allowed0), allowed1: hex(m.allowed1) }]));
  }
  if (s.addressWidths) out.addressWidths = s.addressWidths;
  return JSON.stringify(out, null, 2) + '\n';
}

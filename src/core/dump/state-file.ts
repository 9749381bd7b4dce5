// VMCS state files (`*.vmcs-state.json`, format "vmcs-state" version 1): field values keyed by encoding or by any
// field name of any naming scheme, strictly validated with errors that name the file, the key and its line.
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { WIDTH_BITS } from '../catalogue/encoding';
import { hex, parseHex64 } from '../catalogue/hex';
import { describe, duplicateKey, lineOf, parseJson, pathText, type JsonPath } from '../catalogue/json-text';
import type { MsrEntry } from './msr-entry';

export const STATE_FORMAT = 'vmcs-state';
export const STATE_VERSION = 1;

export class StateError extends Error {}

export interface VmcsState {
  source: { description?: string; capturedAt?: string };
  /** Full-field encoding -> value; a high half given on its own is merged into bits 63:32 of its field. */
  fields: Map<number, bigint>;
  /** The key each field was given under, for messages and editor ranges. */
  keys: Map<number, string>;
  msrLoad?: MsrEntry[];
}

const TOP_KEYS = ['$schema', 'format', 'version', 'source', 'fields', 'msrLoad'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseState(text: string, where: string): VmcsState {
  const parsed = parseJson(text, where);
  if ('error' in parsed) throw new StateError(parsed.error);
  const fail = (path: JsonPath, message: string): never => {
    const line = lineOf(text, path);
    throw new StateError(`${where}${line ? `:${line}` : ''}: ${path.length ? pathText(path) + ': ' : ''}${message}`);
  };
  const dup = duplicateKey(text);
  if (dup) throw new StateError(`${where}:${dup.line}: ${pathText(dup.path)}: given twice`);
  const data = parsed.data;
  if (!isObject(data)) return fail([], `expected a JSON object, got ${describe(data)}`);
  for (const key of Object.keys(data)) if (!TOP_KEYS.includes(key)) fail([key], `unknown key (expected one of ${TOP_KEYS.slice(1).join(', ')})`);
  if (data.format !== STATE_FORMAT) fail(['format'], `expected "${STATE_FORMAT}", got ${describe(data.format)}`);
  if (data.version !== STATE_VERSION) fail(['version'], `unsupported version ${describe(data.version)} (this build reads version ${STATE_VERSION})`);
  const source: VmcsState['source'] = {};
  if (data.source !== undefined) {
    if (!isObject(data.source)) fail(['source'], `expected an object with description and capturedAt, got ${describe(data.source)}`);
    for (const [key, v] of Object.entries(data.source as object)) {
      if (key !== 'description' && key !== 'capturedAt') fail(['source', key], 'unknown key (expected description, capturedAt)');
      if (typeof v !== 'string') fail(['source', key], `expected a string, got ${describe(v)}`);
      source[key as 'description'] = v as string;
    }
  }
  if (!isObject(data.fields)) return fail(['fields'], `expected an object of field: "0x…" pairs, got ${describe(data.fields)}`);
  const state: VmcsState = { source, fields: new Map(), keys: new Map() };
  const given = new Map<number, string>();
  for (const [key, v] of Object.entries(data.fields)) {
    const record = catalogue().find(key);
    if (!record) fail(['fields', key], `unknown VMCS field (an encoding such as "0x4000" or a field name of any scheme)`);
    const value = typeof v === 'string' ? parseHex64(v) : undefined;
    if (value === undefined) fail(['fields', key], `expected a hex string "0x…" of at most 16 digits, got ${describe(v)}`);
    const bits = record!.full ? 32 : WIDTH_BITS[record!.width];
    if (value! >> BigInt(bits)) fail(['fields', key], `${hex(value!)} is wider than the field (${bits} bits)`);
    const full: FieldRecord = record!.full ?? record!;
    const slot = record!.encoding;
    // A 64-bit field and its high half (encoding + 1) overlap.
    const clash = [slot, record!.full ? full.encoding : slot + 1].map((e) => given.get(e)).find(Boolean);
    if (clash) fail(['fields', key], `the same field as ${JSON.stringify(clash)} (${full.hex})`);
    given.set(slot, key);
    const old = state.fields.get(full.encoding) ?? 0n;
    state.fields.set(full.encoding, record!.full ? (old & 0xffffffffn) | (value! << 32n) : value!);
    if (!state.keys.has(full.encoding)) state.keys.set(full.encoding, key);
  }
  if (data.msrLoad !== undefined) {
    if (!Array.isArray(data.msrLoad)) fail(['msrLoad'], `expected an array of { "index": "0x…", "value": "0x…" }, got ${describe(data.msrLoad)}`);
    state.msrLoad = (data.msrLoad as unknown[]).map((entry, i) => {
      if (!isObject(entry)) return fail(['msrLoad', i], `expected { "index": "0x…", "value": "0x…" }, got ${describe(entry)}`);
      for (const k of Object.keys(entry)) if (!['index', 'reserved', 'value'].includes(k)) fail(['msrLoad', i, k], 'unknown key (expected index, reserved, value)');
      const num = (k: string, bits: number, optional = false): bigint => {
        if (optional && entry[k] === undefined) return 0n;
        const n = typeof entry[k] === 'string' ? parseHex64(entry[k]) : undefined;
        if (n === undefined || n >> BigInt(bits)) return fail(['msrLoad', i, k], `expected a hex string of at most ${bits} bits, got ${describe(entry[k])}`);
        return n;
      };
      return { index: num('index', 32), reserved: num('reserved', 32, true), value: num('value', 64) };
    });
  }
  return state;
}

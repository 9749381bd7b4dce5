// Shared test helpers: build capability sets from MSR literals, run the CLI in-process or as a child.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { CapabilitySet } from '../../src/core/caps/capset';
import type { FieldCaps } from '../../src/core/caps/derive';
import type { Snapshot } from '../../src/core/caps/snapshot';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const REFERENCE = join(ROOT, '..', 'shared', 'reference', 'vmx-msr-dumps.json');

export function capsFromMsrs(msrs: Record<string, string>): CapabilitySet {
  const snapshot: Snapshot = {
    source: { kind: 'manual', description: 'test' },
    msrs: new Map(Object.entries(msrs).map(([k, v]) => [parseInt(k, 16), BigInt(v)])),
  };
  return new CapabilitySet(snapshot);
}

export function field(caps: CapabilitySet, name: string): FieldCaps {
  const record = catalogue().find(name);
  if (!record) throw new Error(`no field ${name}`);
  return caps.of(record);
}

let scratch: string | undefined;

/** A fresh folder under one per-process scratch folder, removed when the process exits. */
export function tempDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'vmcs-test-'));
    const root = scratch;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return mkdtempSync(join(scratch, 'd-'));
}

export function writeTemp(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// src/core is pure TypeScript: no vscode, no native modules, no node built-ins.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Lower tiers never import higher ones; folders of one tier do not import each other. */
const TIER: Record<string, number> = { catalogue: 0, caps: 1, source: 2, entry: 3, decode: 3, dump: 3, render: 4 };

describe('layering', () => {
  it('src/core imports only src/core and JSON data', () => {
    const core = join(ROOT, 'src', 'core');
    const found: string[] = [];
    for (const f of files(core)) {
      for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec.startsWith('.')) found.push(`${f.slice(ROOT.length + 1)}: ${spec}`);
      }
    }
    assert.deepEqual(found, []);
  });
  it('core folders import only their own folder or a lower one (render > entry/decode/dump > source > caps > catalogue)', () => {
    const core = join(ROOT, 'src', 'core');
    const found: string[] = [];
    for (const f of files(core)) {
      const from = f.slice(core.length + 1).split(sep)[0];
      for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const target = resolve(dirname(f), spec);
        if (!target.startsWith(core + sep)) {
          found.push(`${f.slice(ROOT.length + 1)}: ${spec} leaves src/core`);
          continue;
        }
        const to = target.slice(core.length + 1).split(sep)[0];
        if (!(from in TIER) || !(to in TIER)) found.push(`${f.slice(ROOT.length + 1)}: ${from} or ${to} is not a domain folder`);
        else if (from !== to && TIER[to] >= TIER[from]) found.push(`${f.slice(ROOT.length + 1)}: ${from} imports ${to}`);
      }
    }
    assert.deepEqual(found, []);
  });
  it('the check itself sees imports (guards against a pattern that never matches)', () => {
    const sample = "import * as vscode from 'vscode';\nconst k = require('koffi');";
    assert.deepEqual([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2]), ['vscode', 'koffi']);
  });
});

// The language server's hover round trip over stdio beside clangd's on the same file (Debian's clangd, the same
// minimal client), and the server's start-up time (spawn to the initialize answer).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client';

export interface RoundTrips {
  startMs: number;
  p50: number;
  p99: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Hovers at `positions` of the file through a server started by `command`, after its first diagnostics. */
async function roundTrips(command: string, args: string[], file: string, text: string, positions: { line: number; character: number }[]): Promise<RoundTrips> {
  const t0 = process.hrtime.bigint();
  const client = new LspClient(command, args);
  try {
    const uri = pathToFileURL(file).href;
    await client.initialize(pathToFileURL(file.slice(0, file.lastIndexOf('/'))).href);
    const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    await client.diagnostics(uri).catch(() => undefined); // clangd may take its time, or publish nothing
    const hover = (i: number) => client.request('textDocument/hover', { textDocument: { uri }, position: positions[i % positions.length] }, 30000);
    // Steady state: both servers warmed up by the same requests first.
    for (let i = 0; i < 500; i++) await hover(i);
    const out: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = process.hrtime.bigint();
      await hover(i);
      out.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    out.sort((a, b) => a - b);
    return { startMs, p50: pct(out, 50), p99: pct(out, 99) };
  } finally {
    client.kill();
  }
}

/**
 * The header the generated file includes, so that clangd knows its names: a macro per upper-case name, a prototype
 * per called function, the types. Then clangd's hover on a field name finds its macro, as ours finds the field.
 */
export function headerFor(text: string): string {
  const macros = new Set(text.match(/\b[A-Z][A-Z0-9_]{2,}\b/g) ?? []);
  const defined = new Set([...text.matchAll(/\b(?:void|int|u64|uint64_t)\s+(\w+)\s*\(/g)].map((m) => m[1]));
  const KEYWORDS = new Set(['if', 'for', 'while', 'return', 'sizeof', 'switch']);
  const calls = new Set([...text.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/g)].map((m) => m[1]).filter((n) => !KEYWORDS.has(n) && !defined.has(n)));
  return [
    'typedef unsigned long long uint64_t;',
    'typedef unsigned long long u64;',
    'typedef unsigned hv_vcpuid_t;',
    'struct vcpu { int id; long regs[16]; };',
    'extern long sum, table[64], weight[64], rip, entry, entry_ctls, fd, exit_reason;',
    ...[...macros].map((m, i) => `#define ${m} ${0x4000 + i}`),
    ...[...calls].map((c) => `long ${c}();`),
  ].join('\n');
}

export async function languageServerRoundTrips(cli: string, file: string, text: string, offsets: number[]): Promise<{ vmcs: RoundTrips; clangd?: RoundTrips; clangdNote?: string }> {
  const positions = offsets.map((o) => {
    const lineStart = text.lastIndexOf('\n', o - 1) + 1;
    let line = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
    return { line, character: o - lineStart };
  });
  const vmcs = await roundTrips(process.execPath, [cli, 'lsp', '--stdio', '--source', 'profile:'], file, text, positions);
  if (spawnSync('clangd', ['--version']).status !== 0) return { vmcs, clangdNote: 'clangd not installed (apt-get install clangd)' };
  writeFileSync(join(dirname(file), 'vmx.h'), headerFor(text));
  const clangd = await roundTrips('clangd', ['--log=error', '--background-index=false'], file, text, positions);
  return { vmcs, clangd };
}

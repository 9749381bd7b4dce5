// Runs a native capture in a child process, so that a crash, a hang or a missing entitlement in native code never
// touches the caller (the CLI or the extension host). The child prints one JSON line: { ok, snapshot | error }.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseSnapshot, SnapshotError, type Snapshot } from '../core/caps/snapshot';
import { SourceError } from './source';

export interface ProbeOptions {
  /** The program that runs the probe script: node, or an editor's runtime (run as node). */
  runtime?: string;
  /** The probe script; defaults to probe.js beside the running bundle. */
  script?: string;
  timeoutMs?: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 15000;
const MAX_OUTPUT = 8 * 1024 * 1024;

export function runProbe(kind: string, args: readonly string[], options: ProbeOptions = {}): Promise<Snapshot> {
  const runtime = options.runtime ?? process.execPath;
  const script = options.script ?? join(__dirname, 'probe.js');
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new SourceError(`${kind} probe: ${message}`));
    let child;
    try {
      child = spawn(runtime, [script, kind, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      });
    } catch (e) {
      return fail(`cannot start ${runtime}: ${(e as Error).message}`);
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(`cannot start ${runtime}: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return fail(`no answer within ${timeoutMs} ms (a native call hung); the probe was killed`);
      if (signal) return fail(`crashed with ${signal}${stderr.trim() ? `: ${firstLine(stderr)}` : ''}`);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (!line) return fail(`exited with status ${code} without output${stderr.trim() ? `: ${firstLine(stderr)}` : ''}`);
      let message: { ok?: unknown; error?: unknown; snapshot?: unknown };
      try {
        message = JSON.parse(line);
      } catch {
        return fail(`printed something that is not its JSON answer: ${JSON.stringify(line.slice(0, 80))}`);
      }
      if (message.ok === false && typeof message.error === 'string') return reject(new SourceError(message.error));
      if (message.ok !== true || typeof message.snapshot !== 'object') return fail('answered without a snapshot');
      try {
        resolve(parseSnapshot(JSON.stringify(message.snapshot), `${kind} probe output`));
      } catch (e) {
        fail(e instanceof SnapshotError ? `gave an invalid snapshot: ${e.message}` : (e as Error).message);
      }
    });
  });
}

const firstLine = (s: string) => s.trim().split('\n')[0].slice(0, 200);

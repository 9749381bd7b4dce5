// Bochs as a reference CPU for VM-entry checks: boots guest.asm as the system ROM with the case table inside it,
// and turns the harness's port 0xE9 lines (plus Bochs' own VMFAIL / VMENTER FAIL log lines) into outcomes.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { layout, reservedRanges } from './layout';

export interface OracleCase {
  writes: Array<[encoding: number, value: bigint]>;
  memory?: Array<[address: bigint, qword: bigint]>;
}
export type OracleOutcome =
  | { kind: 'enters'; exitReason: number; qualification: bigint } // VM exit with bit 31 of the reason clear (the guest ran)
  | { kind: 'vmfail'; error: number }
  | { kind: 'vmfail-invalid' }
  | { kind: 'entry-failure'; exitReason: number; qualification: bigint } // reason has bit 31 set
  | { kind: 'vmwrite-fail'; encoding: number; error: number } // error -1: VMfailInvalid
  | { kind: 'timeout' }; // case never returned (treat as entered)
export type OracleResult = OracleOutcome & { bochsMessage?: string };
export interface OracleRun {
  model: string;
  msrs: Map<number, bigint | null>;
  results: OracleResult[];
  /** Spawn to the first case, first boot. */
  bootMs: number;
  /** Mean wall time per finished case, boots and timeouts excluded. */
  caseMs: number;
  /** Host fields and values the harness wrote before each case (compare with layout.hostState). */
  host: Map<number, bigint>;
  /** CPUID 80000008H: the model's physical- and linear-address widths. */
  widths?: { physical: number; linear: number };
  /** Number of Bochs boots the run took (more than one after timeouts, crashes or chunking). */
  boots: number;
}

const ROOT = findRoot(__dirname);
const SOURCE = join(ROOT, 'test', 'oracle', 'guest.asm');
const CACHE = join(ROOT, '.cache', 'oracle');
const VGA_ROM = '/usr/share/bochs/VGABIOS-lgpl-latest';
const BOOT_TIMEOUT_MS = 60_000;
const ROM_BYTES = 2 << 20; // Bochs' largest system ROM
const IMAGE_BYTES = 64 << 10;

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'test', 'oracle'))) return d;
    if (dirname(d) === d) throw new Error(`no project root above ${dir}`);
  }
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]).status === 0;

export function oracleAvailable(): string | null {
  if (process.platform !== 'linux') return 'the Bochs oracle runs on Linux only';
  if (!onPath('bochs')) return 'bochs is not installed (apt-get install bochs bochsbios vgabios)';
  if (!onPath('nasm')) return 'nasm is not installed';
  if (!existsSync(VGA_ROM)) return `${VGA_ROM} missing (apt-get install vgabios)`;
  if (!existsSync(SOURCE)) return `${SOURCE} missing`;
  return null;
}

/** Assembles the harness once per source version; the content hash names the image so concurrent runs agree. */
function buildImage(): string {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const out = join(CACHE, `harness-${hash}.bin`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync('nasm', ['-f', 'bin', '-o', tmp, SOURCE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nasm failed: ${r.stderr || r.error}`);
  renameSync(tmp, out);
  return out;
}

const caseBytes = (c: OracleCase) => 8 + 16 * (c.memory?.length ?? 0) + 12 * c.writes.length;

function validate(c: OracleCase, i: number) {
  for (const [enc] of c.writes) {
    if (!Number.isInteger(enc) || enc < 0 || enc > 0xffffffff) throw new Error(`case ${i}: bad encoding ${enc}`);
  }
  const mem = c.memory ?? [];
  if (mem.length > layout.maxMemoryWrites) throw new Error(`case ${i}: more than ${layout.maxMemoryWrites} memory writes`);
  for (const [addr] of mem) {
    const bad = addr < 0n || addr + 8n > layout.memoryTop || reservedRanges.some(([s, e]) => addr + 8n > s && addr < e);
    if (bad) throw new Error(`case ${i}: memory write at 0x${addr.toString(16)} would hit the harness or leave RAM`);
  }
  if (caseBytes(c) + 8 > layout.caseTableMax) throw new Error(`case ${i} does not fit in the case table`);
}

/** The ROM: header 'VMXC' + count, cases (u32 nMem, u32 nWrites, nMem x (u64, u64), nWrites x (u32, u64)), harness. */
function romImage(cases: OracleCase[], harness: Buffer): Buffer {
  if (harness.length !== IMAGE_BYTES) throw new Error(`harness image is ${harness.length} bytes, not ${IMAGE_BYTES}`);
  const buf = Buffer.alloc(ROM_BYTES);
  buf.write('VMXC', 0, 'latin1');
  buf.writeUInt32LE(cases.length, 4);
  let o = 8;
  for (const c of cases) {
    const mem = c.memory ?? [];
    buf.writeUInt32LE(mem.length, o);
    buf.writeUInt32LE(c.writes.length, o + 4);
    o += 8;
    for (const [a, q] of mem) {
      buf.writeBigUInt64LE(BigInt.asUintN(64, a), o);
      buf.writeBigUInt64LE(BigInt.asUintN(64, q), o + 8);
      o += 16;
    }
    for (const [e, v] of c.writes) {
      buf.writeUInt32LE(e, o);
      buf.writeBigUInt64LE(BigInt.asUintN(64, v), o + 4);
      o += 12;
    }
  }
  if (o > layout.caseTableMax) throw new Error('case table overflows the ROM');
  harness.copy(buf, ROM_BYTES - IMAGE_BYTES);
  return buf;
}

function bochsrc(model: string, rom: string): string {
  if (/[\s",]/.test(rom)) throw new Error(`path unusable in a bochsrc: ${rom}`);
  const mb = Number(layout.memoryTop >> 20n);
  return [
    `memory: guest=${mb}, host=${mb}`,
    `romimage: file=${rom}`,
    `vgaromimage: file=${VGA_ROM}`,
    `cpu: model=${model}, reset_on_triple_fault=0, ignore_bad_msrs=0`,
    'port_e9_hack: enabled=1',
    'display_library: rfb, options="timeout=0"',
    'speaker: enabled=0',
    'mouse: enabled=0',
    'clock: sync=none',
    // Log to stderr, which the driver merges with the 0xE9 output so VMFAIL lines fall between results.
    'log: -',
    'logprefix: %t%e%d',
    'panic: action=fatal',
    'error: action=report',
    'info: action=ignore',
    'debug: action=ignore',
    '',
  ].join('\n');
}

interface Boot {
  widths?: { physical: number; linear: number };
  msrs: Map<number, bigint | null>;
  host: Map<number, bigint>;
  results: OracleResult[];
  /** Set when the case at index results.length never returned. */
  failure?: string;
  bootMs: number;
  caseMsTotal: number;
}

const LOG_LINE = /^\d{8,}[a-z]\[[^\]]*\]\s?(.*)$/;

function parseResult(rest: string): OracleOutcome | null {
  const p = rest.split(' ');
  switch (p[0]) {
    case 'exit': {
      const exitReason = Number(p[1]);
      const qualification = BigInt(p[2]);
      return exitReason & 0x80000000 ? { kind: 'entry-failure', exitReason, qualification } : { kind: 'enters', exitReason, qualification };
    }
    case 'vmfail':
      return { kind: 'vmfail', error: Number(p[1]) };
    case 'vmfail-invalid':
      return { kind: 'vmfail-invalid' };
    case 'vmwrite-fail':
      return { kind: 'vmwrite-fail', encoding: Number(p[1]), error: p[2] === 'invalid' ? -1 : Number(p[2]) };
    default:
      return null;
  }
}

function bootOnce(model: string, harness: Buffer, cases: OracleCase[], timeoutMs: number): Promise<Boot> {
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, 'run-'));
  const rom = join(dir, 'rom.bin');
  writeFileSync(rom, romImage(cases, harness));
  writeFileSync(join(dir, 'bochsrc'), bochsrc(model, rom));
  writeFileSync(join(dir, 'debugger.rc'), 'continue\n');

  return new Promise((resolvePromise, reject) => {
    const boot: Boot = { msrs: new Map(), host: new Map(), results: [], bootMs: 0, caseMsTotal: 0 };
    const t0 = performance.now();
    let tReady = 0, tLast = 0;
    let ready = false, done = false, error: string | undefined;
    let pending: string[] = [];
    const tail: string[] = [];
    let partial = '';
    let timer: NodeJS.Timeout | undefined;

    const child = spawn('/bin/sh', ['-c', 'exec bochs -q -rc debugger.rc -f bochsrc 2>&1'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    const stop = () => {
      if (timer) clearTimeout(timer);
      child.kill('SIGKILL');
    };
    const arm = (ms: number, what: () => string) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (!ready) error = `Bochs did not reach the first case within ${ms} ms`;
        else boot.failure ??= what();
        stop();
      }, ms);
    };
    arm(BOOT_TIMEOUT_MS, () => '');

    const line = (l: string) => {
      tail.push(l);
      if (tail.length > 20) tail.shift();
      const log = LOG_LINE.exec(l);
      if (log) {
        const msg = log[1];
        if (/^(VMFAIL|VMENTER FAIL)/.test(msg)) pending.push(msg);
        else if (/>>PANIC<</.test(msg) && ready && !done) boot.failure ??= `Bochs: ${msg}`;
        return;
      }
      let m: RegExpExecArray | null;
      if ((m = /^MSR (0x[0-9a-f]+) (\S+)$/.exec(l))) boot.msrs.set(Number(m[1]), m[2] === 'absent' ? null : BigInt(m[2]));
      else if ((m = /^HOST (0x[0-9a-f]+) (0x[0-9a-f]+)$/.exec(l))) boot.host.set(Number(m[1]), BigInt(m[2]));
      else if ((m = /^WIDTHS (0x[0-9a-f]+)$/.exec(l))) boot.widths = { physical: Number(BigInt(m[1]) & 0xffn), linear: Number(BigInt(m[1]) >> 8n) };
      else if (l === 'READY') {
        ready = true;
        tReady = tLast = performance.now();
        boot.bootMs = tReady - t0;
        pending = [];
        arm(timeoutMs, () => `no result within ${timeoutMs} ms`);
      } else if ((m = /^R (\d+) (.*)$/.exec(l))) {
        const outcome = parseResult(m[2]);
        if (Number(m[1]) !== boot.results.length || !outcome) {
          boot.failure ??= `harness: ${l}`;
          stop();
          return;
        }
        boot.results.push(pending.length ? { ...outcome, bochsMessage: pending.join('\n') } : outcome);
        pending = [];
        tLast = performance.now();
        arm(timeoutMs, () => `no result within ${timeoutMs} ms`);
      } else if (l.startsWith('FAULT ')) {
        if (ready) boot.failure ??= `harness ${l}`;
        else error = `harness ${l}`;
      } else if (l === 'DONE') {
        done = true;
        if (!ready) error ??= `harness stopped before the cases: ${tail.join(' | ')}`;
        stop();
      } else if (/^(NOVMX|BADTABLE|VMXON failed|FEATURE_CONTROL)/.test(l)) error = `harness: ${l}`;
    };

    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) line(l.replace(/\r$/, ''));
    });
    child.on('error', (e) => {
      error = String(e);
    });
    child.on('close', () => {
      if (timer) clearTimeout(timer);
      if (partial) line(partial);
      rmSync(dir, { recursive: true, force: true });
      boot.caseMsTotal = tLast - tReady;
      if (error) return reject(new Error(`${model}: ${error}\n${tail.join('\n')}`));
      if (!ready) return reject(new Error(`${model}: Bochs exited before the first case\n${tail.join('\n')}`));
      if (!done && boot.results.length < cases.length) boot.failure ??= `Bochs exited: ${tail.slice(-3).join(' | ')}`;
      if (boot.failure && pending.length) boot.failure += `\n${pending.join('\n')}`;
      resolvePromise(boot);
    });
  });
}

/**
 * Runs every case on Bochs' model of the named CPU. A case that never returns (the guest runs on) or that brings
 * the harness down is marked `timeout` and the remaining cases go to a fresh boot.
 */
export async function runBochs(
  model: string,
  cases: OracleCase[],
  options: { /** Silence after which the current case counts as `timeout` (default 1000). */ timeoutMs?: number } = {},
): Promise<OracleRun> {
  const reason = oracleAvailable();
  if (reason) throw new Error(reason);
  if (!/^[a-z0-9_]+$/.test(model)) throw new Error(`bad model name ${model}`);
  cases.forEach(validate);
  // A case takes well under a millisecond, so a second of silence means the guest runs on.
  const timeoutMs = options.timeoutMs ?? 1000;
  const harness = readFileSync(buildImage());
  const run: OracleRun = { model, msrs: new Map(), results: [], bootMs: 0, caseMs: 0, host: new Map(), boots: 0 };
  let next = 0, timedMs = 0, timedCases = 0;
  do {
    let end = next, bytes = 8;
    while (end < cases.length && bytes + caseBytes(cases[end]) <= layout.caseTableMax) bytes += caseBytes(cases[end++]);
    const boot = await bootOnce(model, harness, cases.slice(next, end), timeoutMs);
    if (run.boots++ === 0) Object.assign(run, { msrs: boot.msrs, host: boot.host, bootMs: boot.bootMs, widths: boot.widths });
    run.results.push(...boot.results);
    timedMs += boot.caseMsTotal;
    timedCases += boot.results.length;
    next += boot.results.length;
    if (boot.failure !== undefined && next < end) {
      run.results.push({ kind: 'timeout', bochsMessage: boot.failure });
      next++;
    }
  } while (next < cases.length);
  run.caseMs = timedCases ? timedMs / timedCases : 0;
  return run;
}

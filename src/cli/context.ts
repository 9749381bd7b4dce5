// What every command gets: parsed options, output streams, and helpers shared by the commands.
import { load, type Loaded, type SourceOptions } from '../capabilities/service';
import { loadTargets, targetSpecs } from '../capabilities/targets';
import type { Fleet } from '../core/caps/fleet';
import { catalogue, type FieldRecord } from '../core/catalogue/catalogue';
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';

export interface Options {
  json: boolean;
  source?: string;
  value?: string;
  output?: string;
  /** A JSON file listing a project's own accessors: [{ name, field, value? }]. */
  accessors?: string;
  /** Input format of `check` and `decode` (detected when absent). */
  format?: string;
  /** Target CPUs: `all`, profile ids, snapshot files, comma-separated. */
  targets?: string;
}

export interface Context {
  args: string[];
  options: Options;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export function resolveField(query: string): FieldRecord {
  const r = catalogue().resolve(query);
  if ('error' in r) throw new UsageError(r.error);
  return r.record;
}

/** Native-source settings of the CLI come from the environment. */
export function sourceOptions(env: NodeJS.ProcessEnv): SourceOptions {
  const timeout = env.VMCS_PROBE_TIMEOUT_MS ? Number(env.VMCS_PROBE_TIMEOUT_MS) : undefined;
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`VMCS_PROBE_TIMEOUT_MS=${env.VMCS_PROBE_TIMEOUT_MS} is not a positive number of milliseconds`);
  return {
    hvfLibrary: env.VMCS_HVF_LIBRARY || undefined,
    probeRuntime: env.VMCS_PROBE_RUNTIME || undefined,
    probeTimeoutMs: timeout,
  };
}

export function loadSource(ctx: Context, spec = ctx.options.source ?? 'auto'): Promise<Loaded> {
  return load(spec, sourceOptions(ctx.env));
}

/** The `--targets` CPUs, or undefined without the option. */
export async function loadFleet(ctx: Context): Promise<Fleet | undefined> {
  if (ctx.options.targets === undefined) return undefined;
  const specs = targetSpecs(ctx.options.targets);
  if (!specs.length) throw new UsageError('--targets needs all, profile ids or snapshot files');
  return loadTargets(specs);
}

export function printJson(ctx: Context, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

/** A file's text, or stdin's for `-`; a file that cannot be read is a usage error naming it. */
export function readText(path: string, hint = ''): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path === '-' ? 'stdin' : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}${hint}`);
  }
}

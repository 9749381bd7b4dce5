// What every command gets: parsed options, output streams, and helpers shared by the commands.
import { load, type Loaded } from '../capabilities/service';
import { catalogue, type FieldRecord } from '../core/catalogue';
import { UsageError } from './errors';

export interface Options {
  json: boolean;
  source?: string;
  value?: string;
  output?: string;
}

export interface Context {
  args: string[];
  options: Options;
  out: (text: string) => void;
}

export function resolveField(query: string): FieldRecord {
  const r = catalogue().resolve(query);
  if ('error' in r) throw new UsageError(r.error);
  return r.record;
}

export function loadSource(ctx: Context): Promise<Loaded> {
  return load(ctx.options.source ?? 'auto');
}

export function printJson(ctx: Context, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

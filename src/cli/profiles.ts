import { allProfiles } from '../capabilities/profile';
import { DEFAULT_PROFILE } from '../capabilities/profiles';
import { table } from '../core/render/text';
import { printJson, type Context } from './context';

/** `vmcs profiles`: the embedded real-CPU profiles with their public sources. */
export async function profiles(ctx: Context): Promise<number> {
  const list = allProfiles().map(({ id, snapshot: { source } }) => ({
    id,
    default: id === DEFAULT_PROFILE,
    name: source.name ?? id,
    generation: source.generation ?? '',
    cpu: source.cpu ?? '',
    reference: source.reference ?? '',
  }));
  if (ctx.options.json) printJson(ctx, list);
  else ctx.out(table([['ID', 'GENERATION', 'CPU', 'SOURCE'], ...list.map((p) => [p.id + (p.default ? ' (default)' : ''), p.generation, p.cpu, p.reference])]));
  return 0;
}

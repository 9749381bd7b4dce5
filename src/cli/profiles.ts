import { allProfiles } from '../capabilities/profile';
import { DEFAULT_PROFILE } from '../capabilities/profiles';
import { table } from '../core/render/text';
import { printJson, type Context } from './context';

/** `vmcs profiles`: the embedded real-CPU profiles with their public sources. */
export async function profiles(ctx: Context): Promise<number> {
  const list = allProfiles().map(({ id, snapshot }) => ({
    id,
    default: id === DEFAULT_PROFILE,
    cpu: snapshot.source.cpu ?? '',
    reference: snapshot.source.reference ?? '',
  }));
  if (ctx.options.json) printJson(ctx, list);
  else ctx.out(table([['ID', 'CPU', 'SOURCE'], ...list.map((p) => [p.id + (p.default ? ' (default)' : ''), p.cpu, p.reference])]));
  return 0;
}

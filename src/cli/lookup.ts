import { catalogue } from '../core/catalogue/catalogue';
import { lookupJson } from '../core/render/json';
import { lookupText } from '../core/render/text';
import { printJson, type Context } from './context';
import { UsageError } from './errors';

/** `vmcs lookup <name|encoding>...`: exit 1 when any query is unknown, after printing the others. */
export async function lookup(ctx: Context): Promise<number> {
  if (!ctx.args.length) throw new UsageError('lookup needs at least one field name or encoding');
  const cat = catalogue();
  const results = ctx.args.map((query) => ({ query, r: cat.resolve(query) }));
  if (ctx.options.json) {
    printJson(ctx, results.map(({ query, r }) => ('record' in r ? lookupJson(query, r.record, cat) : { query, error: r.error })));
  } else {
    ctx.out(results.map(({ query, r }) => ('record' in r ? lookupText(r.record, cat) : `${query}: ${r.error}`)).join('\n\n'));
  }
  return results.every(({ r }) => 'record' in r) ? 0 : 1;
}

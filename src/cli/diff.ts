import { compareCaps } from '../core/caps/compare';
import { diffJson, sourceJson } from '../core/render/json';
import { diffText } from '../core/render/text';
import { loadSource, printJson, type Context } from './context';
import { UsageError } from './errors';

const SPEC = /^(auto|hvf|kvm|msr|msr:.+|snapshot:.+|profile:.*)$/;

/** `vmcs diff <a> <b>`: each side a source spec or a snapshot file path. */
export async function diff(ctx: Context): Promise<number> {
  if (ctx.args.length !== 2) throw new UsageError('diff takes two sources: snapshot files or source specs (profile:<id>, msr:<path>, …)');
  const [a, b] = await Promise.all(ctx.args.map((arg) => loadSource(ctx, SPEC.test(arg) ? arg : `snapshot:${arg}`)));
  const diffs = compareCaps(a.caps, b.caps);
  if (ctx.options.json) {
    printJson(ctx, { a: sourceJson(a.source.id, a.caps.snapshot, a.reasons), b: sourceJson(b.source.id, b.caps.snapshot, b.reasons), fields: diffs.map(diffJson) });
  } else {
    ctx.out(diffText(a.source.id, b.source.id, diffs));
  }
  return 0;
}

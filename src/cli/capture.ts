import { writeFile } from 'node:fs/promises';
import { serializeSnapshot } from '../core/caps/snapshot';
import { loadSource, type Context } from './context';
import { FailedError, UsageError } from './errors';

/** `vmcs capture [--source s] [-o file]`: a v1 snapshot of the source; nothing is written when the source fails. */
export async function capture(ctx: Context): Promise<number> {
  if (ctx.args.length) throw new UsageError(`capture takes no arguments (got ${ctx.args.join(' ')}); use -o <file>`);
  const { source, reasons, caps } = await loadSource(ctx);
  const text = serializeSnapshot(caps.snapshot);
  if (!ctx.options.output) {
    ctx.out(text.trimEnd());
    return 0;
  }
  try {
    await writeFile(ctx.options.output, text);
  } catch (e) {
    throw new FailedError(`cannot write ${ctx.options.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  ctx.err(`vmcs: wrote ${ctx.options.output} from ${source.id} (${reasons[reasons.length - 1]})`);
  return 0;
}

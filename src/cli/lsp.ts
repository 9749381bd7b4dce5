// `vmcs lsp [--stdio] [--source <spec>]`: the language server on stdio. It is bundled apart (dist/lsp.js) and loaded
// only here, so that the other commands do not parse it; from the compiled tests it is the module itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { startServer as StartServer } from '../lsp/server';
import { sourceOptions, type Context } from './context';

export async function lsp(ctx: Context): Promise<number> {
  const bundled = join(__dirname, 'lsp.js');
  const server = require(existsSync(bundled) ? bundled : join(__dirname, '..', 'lsp', 'server.js')) as { startServer: typeof StartServer };
  server.startServer({ source: ctx.options.source, sourceOptions: sourceOptions(ctx.env) });
  // The connection ends the process on the client's exit notification (or when stdin closes).
  return new Promise<number>(() => undefined);
}

// `npm start`: builds the extension, prepares a real VS Code (code-server, cached after the first run), installs the
// extension into a fresh profile and opens a copy of the example workspace. Ctrl-C stops everything it started.
import { join } from 'node:path';
import { buildVsix, CodeServer, copyWorkspace, ROOT, toolchain } from './workbench';

async function main() {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  const cache = toolchain();
  const vsix = buildVsix();
  // A copy, so that edits made while trying the extension never touch the test fixtures.
  const workspace = copyWorkspace(join(ROOT, 'test', 'fixtures', 'workspace'), 'example', {}, join(ROOT, '.cache', 'example-workspace'));
  const server = await CodeServer.start({
    cache,
    vsix,
    workspace,
    trustAll: true,
    name: 'start',
    port,
    dataDir: join(ROOT, '.cache', 'start-profile'),
    settings: { 'vmcsInspector.source': 'profile' },
    open: join(workspace, 'apple-hvf', 'vcpu.c'),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping VS Code…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`VMCS Inspector is running in VS Code: ${server.url}`);
  console.log('Open that address in a browser: the example workspace opens on apple-hvf/vcpu.c with the VMCS view (embedded profile coffeelake-i7-9750h; the walkthrough is under Help > Welcome). Ctrl-C stops it.');
}

main().catch((e) => {
  console.error(`start: ${(e as Error).message}`);
  process.exit(1);
});

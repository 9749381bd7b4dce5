// Bundles the extension, the `vmcs` CLI and the capability probe into dist/.
// koffi stays external: it is loaded only by the probe and the CLI, never by the extension host.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The naming and bit tables carry their citations and notes for people (the data files in the repository are the
// record); the code reads none of these keys, so the bundles leave them out.
const DOCUMENTATION = ['about', 'notes', 'title', 'sources'];
// The naming schemes' tables (most of the data) stay JSON files beside the bundles, read when the catalogue is built:
// the bundles carry code, and the data is data.
const SCHEME_TABLES = /[\\/]data[\\/](aliases|bit-aliases)[\\/][^\\/]+\.json$/;
const tablesWithoutDocumentation = {
  name: 'tables-without-documentation',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]core[\\/](catalogue|caps|source)[\\/]data[\\/].*\.json$/ }, (args) => {
      const data = JSON.parse(readFileSync(args.path, 'utf8'));
      for (const key of DOCUMENTATION) delete data[key];
      return { contents: JSON.stringify(data), loader: SCHEME_TABLES.test(args.path) ? 'copy' : 'json' };
    });
  },
};

const common = {
  bundle: true,
  plugins: [tablesWithoutDocumentation],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  // Where the scheme tables go: dist/tables/<scheme>-<hash>.json (the hash tells field and bit tables apart).
  assetNames: 'tables/[name]-[hash]',
};

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['koffi'], banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/capabilities/probe.ts'], outfile: 'dist/probe.js', external: ['koffi'] },
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'koffi'] },
  // The language server, loaded by `vmcs lsp`.
  { entryPoints: ['src/lsp/server.ts'], outfile: 'dist/lsp.js', external: ['koffi'] },
  // Loaded by the extension on first use of the VM-entry checks.
  { entryPoints: ['src/vscode/entry-checks.ts'], outfile: 'dist/entry-checks.js', external: ['vscode'] },
];

// Data the editor reads directly (not through the bundle).
mkdirSync('dist', { recursive: true });
rmSync('dist/tables', { recursive: true, force: true }); // stale hashes would ship
copyFileSync('src/core/caps/data/snapshot.schema.json', 'dist/snapshot.schema.json');
copyFileSync('src/core/dump/data/state.schema.json', 'dist/state.schema.json');
// The embedded profiles, read at run time (each CPU added costs the bundles nothing).
rmSync('dist/profiles', { recursive: true, force: true });
mkdirSync('dist/profiles');
for (const f of readdirSync('src/capabilities/profiles')) if (f.endsWith('.json')) copyFileSync(`src/capabilities/profiles/${f}`, `dist/profiles/${f}`);

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

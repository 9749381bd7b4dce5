// Bundles the extension, the `vmcs` CLI and the capability probe into dist/.
// koffi stays external: it is loaded only by the probe and the CLI, never by the extension host.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The naming and bit tables carry their citations and notes for people (the data files in the repository are the
// record); the code reads none of these keys, so the bundles leave them out.
const DOCUMENTATION = ['about', 'notes', 'title', 'sources'];
const tablesWithoutDocumentation = {
  name: 'tables-without-documentation',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]core[\\/](catalogue|caps|source)[\\/]data[\\/].*\.json$/ }, (args) => {
      const data = JSON.parse(readFileSync(args.path, 'utf8'));
      for (const key of DOCUMENTATION) delete data[key];
      return { contents: JSON.stringify(data), loader: 'json' };
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
};

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['koffi'], banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/capabilities/probe.ts'], outfile: 'dist/probe.js', external: ['koffi'] },
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'koffi'] },
  // Loaded by the extension on first use of the VM-entry checks.
  { entryPoints: ['src/vscode/entry-checks.ts'], outfile: 'dist/entry-checks.js', external: ['vscode'] },
];

// Data the editor reads directly (not through the bundle).
mkdirSync('dist', { recursive: true });
copyFileSync('src/core/caps/data/snapshot.schema.json', 'dist/snapshot.schema.json');
copyFileSync('src/core/dump/data/state.schema.json', 'dist/state.schema.json');

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

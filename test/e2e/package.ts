// `npm run package`: one VSIX per platform, each carrying koffi's loader and only its own native binary, under
// dist/node_modules where the probe (dist/probe.js) finds them; the extension host never loads them.
// Each target is staged in .cache/package/<target> and packed by vsce.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type Target = (typeof TARGETS)[number];

const KOFFI_FILES = ['package.json', 'index.cjs', 'LICENSE.txt', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs'];
const EXTENSION_FILES = [
  'package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png',
  'media/walkthrough/source.md', 'media/walkthrough/hover.md', 'media/walkthrough/tree.md', 'media/walkthrough/check.md',
  'dist/extension.js', 'dist/entry-checks.js', 'dist/probe.js', 'dist/snapshot.schema.json', 'dist/state.schema.json',
];

/** The data files the build puts beside the bundles: the embedded profiles and the naming schemes' tables. */
const builtData = () => ['profiles', 'tables'].flatMap((dir) => readdirSync(join(ROOT, 'dist', dir)).filter((f) => f.endsWith('.json')).map((f) => `dist/${dir}/${f}`));

const koffiVersion = () => (require(join(ROOT, 'node_modules', 'koffi', 'package.json')) as { version: string }).version;

/** The @koromix/koffi-<target> package (native binary) from the npm registry, cached. */
function koffiNative(target: Target): string {
  const dir = join(ROOT, '.cache', 'koffi', `${target}-${koffiVersion()}`);
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package');
  mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `@koromix/koffi-${target}@${koffiVersion()}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir]);
  return join(dir, 'package');
}

/** Builds the VSIX of one target into `outDir`; the extension bundle must already be built. */
export function packageTarget(target: Target, outDir: string): string {
  const stage = join(ROOT, '.cache', 'package', target);
  rmSync(stage, { recursive: true, force: true });
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  for (const f of [...EXTENSION_FILES, ...builtData()]) copy(join(ROOT, f), join(stage, f));
  // The screenshots stay in the repository (they would double the VSIX): the packaged README goes without them.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/^!\[[^\]]*\]\(media\/screenshots\/[^)]*\)\n/gm, '');
  writeFileSync(join(stage, 'README.md'), readme);
  for (const f of KOFFI_FILES) copy(join(ROOT, 'node_modules', 'koffi', f), join(stage, 'dist', 'node_modules', 'koffi', f));
  const native = koffiNative(target);
  const triplet = target.replace('-', '_');
  const nativeOut = join(stage, 'dist', 'node_modules', '@koromix', `koffi-${target}`);
  for (const f of ['package.json', 'index.js']) copy(join(native, f), join(nativeOut, f));
  cpSync(join(native, triplet), join(nativeOut, triplet), { recursive: true, filter: (p) => !p.endsWith('.lib') && !p.endsWith('.pdb') });
  copyFileSync(join(ROOT, '.vscodeignore'), join(stage, '.vscodeignore'));
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `vmcs-inspector-${target}.vsix`);
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--target', target, '--allow-missing-repository', '-o', out], { cwd: stage, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package --target ${target} failed: ${(r.stderr || r.stdout).trim()}`);
  return out;
}

if (require.main === module) {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
  const outDir = join(ROOT, 'dist', 'vsix');
  const targets = process.argv.slice(2).length ? (process.argv.slice(2) as Target[]) : TARGETS;
  for (const t of targets) {
    if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (expected ${TARGETS.join(', ')})`);
    console.log(packageTarget(t, outDir));
  }
  console.log(readdirSync(outDir).join('\n'));
}

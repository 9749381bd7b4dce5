// `npm run bench`: measures the budgets of DESIGN.md §6 and prints one table. Timings are medians (and p99 for
// hovers) of repeated runs; ratios compare with a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fieldsData from '../../src/core/catalogue/data/fields.json';
import { ALIAS_TABLES } from '../../src/core/catalogue/data/aliases';
import { HvfSource } from '../../src/capabilities/hvf';
import { load } from '../../src/capabilities/service';
import { Catalogue, catalogue } from '../../src/core/catalogue/catalogue';
import { HV_CAPS } from '../../src/core/catalogue/controls';
import { referenceAt, referenceInScan } from '../../src/core/source/reference';
import { languagesOf } from '../../src/core/catalogue/languages';
import { fieldMarkdown } from '../../src/core/render/markdown';
import { fieldReport } from '../../src/core/render/report';
import { scanText } from '../../src/core/source/scan';
import { namesFor } from '../../src/core/source/names';
import { table } from '../../src/core/render/text';
import { hypervisorSource } from './generate';
import { checkEntry, RULES } from '../../src/core/entry/engine';
import { cpuFacts, entryCaps } from '../../src/core/entry/caps';
import { GUEST_64 } from '../unit/entry-states';
import { oracleAvailable, runBochs } from '../oracle/bochs';
import { guest64Writes } from '../oracle/layout';
import { readInput } from '../../src/core/dump/input';
import { readFileSync } from 'node:fs';
import { packageTarget } from '../e2e/package';
import { languageServerRoundTrips } from './lsp';

const ROOT = join(__dirname, '..', '..', '..');
const args = new Set(process.argv.slice(2));

function times(n: number, f: () => void, warmup = 5): number[] {
  for (let i = 0; i < warmup; i++) f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out.sort((a, b) => a - b);
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (v: number) => `${v.toFixed(v < 1 ? 3 : 1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

interface Row {
  what: string;
  value: string;
  budget: string;
  met: boolean | null;
  note?: string;
}
const rows: Row[] = [];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vmcs-bench-'));
  const text = hypervisorSource();
  const file = join(dir, 'hypervisor.c');
  writeFileSync(file, text);
  const lines = text.split('\n');

  // Hover: the provider's work after the capability set is loaded and the document scanned (diagnostics scan every
  // version anyway): the reference at the position from the scan, the masks, the markdown.
  const loaded = await load('profile:');
  const options = { languages: languagesOf('c', file) };
  const scanned = scanText(text, options);
  const targets: number[] = [];
  let offset = 0;
  for (const l of lines) {
    for (const word of ['VMCS_CTRL_PIN_BASED', 'PIN_BASED_VM_EXEC_CONTROL', 'VMCS_GUEST_RIP', '0x681e', 'GUEST_IA32_EFER', 'PIN_BASED_NMI', 'vcpu']) {
      const i = l.indexOf(word);
      if (i >= 0 && targets.length < 2000) targets.push(offset + i + 2);
    }
    offset += l.length + 1;
  }
  let k = 0;
  const hover = times(4000, () => {
    const ref = referenceInScan(scanned, text, targets[k++ % targets.length], options);
    if (ref?.kind === 'field') fieldMarkdown(fieldReport(ref.record, loaded.caps.of(ref.record)), { sourceId: loaded.source.id, snapshot: loaded.caps.snapshot, catalogue: catalogue() });
  }, 200);
  rows.push({ what: 'hover compute p50', value: ms(pct(hover, 50)), budget: '-', met: null, note: `${targets.length} positions, 10k-line file` });
  rows.push({ what: 'hover compute p99', value: ms(pct(hover, 99)), budget: '≤ 0.25 ms', met: pct(hover, 99) <= 0.25 });
  // The same by the line alone (files over the scan limit), for comparison.
  const lineTargets = targets.map((o) => ({ line: text.slice(text.lastIndexOf('\n', o) + 1, text.indexOf('\n', o)), ch: o - text.lastIndexOf('\n', o) - 1 }));
  const byLine = times(4000, () => void referenceAt(lineTargets[k % lineTargets.length].line, lineTargets[k++ % lineTargets.length].ch, options), 200);
  rows.push({ what: 'hover by the line alone p99', value: ms(pct(byLine, 99)), budget: '-', met: null, note: 'files over the scan limit' });

  // Catalogue index build (before the 30 MB scan, whose heap would be collected during it).
  const index = times(30, () => new Catalogue((fieldsData as unknown as { fields: never[] }).fields, ALIAS_TABLES));
  rows.push({ what: 'catalogue index build', value: ms(pct(index, 50)), budget: '≤ 5 ms', met: pct(index, 50) <= 5 });

  // All VM-entry checks on a complete state (a 64-bit guest that enters), beside Bochs performing the same VM entry.
  const state = GUEST_64();
  const ec = entryCaps(loaded.caps), cpu = cpuFacts(loaded.caps);
  const entry = times(3000, () => void checkEntry({ fields: state }, ec, cpu), 200);
  let oracleNote = `Bochs not available: ${oracleAvailable()}`;
  if (!oracleAvailable()) {
    const probe = await runBochs('corei7_skylake_x', []);
    const run = await runBochs('corei7_skylake_x', Array.from({ length: 1000 }, () => ({ writes: guest64Writes(probe.msrs) })));
    oracleNote = `Bochs (corei7_skylake_x) ${ms(run.caseMs)} per VM entry and exit, boot ${ms(run.bootMs)}: ratio ${(pct(entry, 50) / run.caseMs).toFixed(2)}×`;
  }
  rows.push({ what: `all VM-entry checks, complete state (${RULES.length} rules)`, value: ms(pct(entry, 50)), budget: '≤ 0.5 ms', met: pct(entry, 50) <= 0.5, note: `p99 ${ms(pct(entry, 99))}; ${oracleNote}` });

  // Read + check of a 200-line KVM dump: the fixture with its MSR-load list grown to 200 lines in all.
  const kvm = readFileSync(join(ROOT, 'test', 'fixtures', 'workspace', 'dumps', 'kvm-6.8-invalid-cs.vmcsdump'), 'utf8').split('\n');
  const at = kvm.findIndex((l) => l.includes('MSR guest autoload:')) + 1;
  const extra = Array.from({ length: 200 - kvm.length }, (_, i) => `[ 2311.499064] kvm_intel:   ${String(i + 1).padStart(2)}: msr=0x${(0xc0000080 + (i % 4)).toString(16)} value=0x0000000000000d01`);
  const dump = [...kvm.slice(0, at), ...extra, ...kvm.slice(at)].join('\n');
  const dumpTimes = times(1000, () => {
    const input = readInput(dump, 'bench.vmcsdump');
    checkEntry({ fields: input.fields, msrLoad: input.msrLoad }, ec, cpu);
  }, 50);
  rows.push({ what: `read + check of a ${dump.split('\n').length}-line KVM dump`, value: ms(pct(dumpTimes, 50)), budget: '≤ 5 ms', met: pct(dumpTimes, 50) <= 5, note: `p99 ${ms(pct(dumpTimes, 99))}` });

  // Full-file scan of a 30 MB file (the generator's mix: a VMCS access on ~58% of lines, denser than real code)
  // against ripgrep counting the same identifiers in the same file.
  const generated = hypervisorSource(Math.ceil((30e6 / text.length) * lines.length));
  const big = generated.slice(0, generated.lastIndexOf('\n', 30e6) + 1);
  const bigFile = join(dir, 'hypervisor-30mb.c');
  writeFileSync(bigFile, big);
  const scan = times(7, () => scanText(big, options), 2);
  const scanMs = pct(scan, 50);
  const mbps = big.length / 1e6 / (scanMs / 1000);
  let rgNote = 'rg not installed (apt-get install ripgrep)';
  const rg = spawnSync('rg', ['--version']);
  if (rg.status === 0) {
    const patterns = join(dir, 'names.txt');
    writeFileSync(patterns, catalogue().aliasNames().join('\n'));
    const rgMs = pct(times(3, () => void execFileSync('rg', ['--count-matches', '-w', '-F', '-f', patterns, bigFile]), 1), 50);
    rgNote = `ripgrep ${ms(rgMs)} = ${(big.length / 1e6 / (rgMs / 1000)).toFixed(0)} MB/s (process included): ratio ${(scanMs / rgMs).toFixed(2)}×`;
  }
  rows.push({ what: `full-file scan (${Math.round(big.length / 1e6)} MB)`, value: `${ms(scanMs)} (${mbps.toFixed(0)} MB/s)`, budget: '≥ 150 MB/s', met: mbps >= 150, note: rgNote });
  // What any scan of this design costs on this machine, in the same run: the lexer's one native regex pass (every
  // comment, string, directive and candidate name, nothing done with them) and a loop that reads each character once.
  const { pattern } = namesFor(undefined);
  const regexMs = pct(times(5, () => {
    pattern.lastIndex = 0;
    while (pattern.exec(big));
  }, 1), 50);
  let lineCount = 0;
  const loopMs = pct(times(5, () => {
    lineCount = 0;
    for (let i = 0; i < big.length; i++) if (big.charCodeAt(i) === 10) lineCount++;
  }, 1), 50);
  const rate = (t: number) => `${(big.length / 1e6 / (t / 1000)).toFixed(0)} MB/s`;
  rows.push({
    what: '  its regex pass alone',
    value: `${ms(regexMs)} (${rate(regexMs)})`,
    budget: '-',
    met: null,
    note: `${Math.round((100 * regexMs) / scanMs)}% of the scan; a loop reading each character once (counting its ${lineCount} lines) ${ms(loopMs)} (${rate(loopMs)})`,
  });

  // The language server's hover round trip over stdio beside clangd's on the same file, and its start-up.
  const lsp = await languageServerRoundTrips(join(ROOT, 'dist', 'cli.js'), file, text, targets.slice(0, 300));
  const clangdNote = lsp.clangd ? `clangd p50 ${ms(lsp.clangd.p50)}, p99 ${ms(lsp.clangd.p99)}: ratio ${(lsp.vmcs.p50 / lsp.clangd.p50).toFixed(2)}×` : lsp.clangdNote;
  rows.push({ what: 'language server hover round trip p50', value: ms(lsp.vmcs.p50), budget: "≤ clangd's p50", met: lsp.clangd ? lsp.vmcs.p50 <= lsp.clangd.p50 : null, note: `p99 ${ms(lsp.vmcs.p99)}; ${clangdNote}` });
  rows.push({ what: 'language server start-up (to initialize)', value: ms(lsp.vmcs.startMs), budget: '-', met: null, note: lsp.clangd ? `clangd ${ms(lsp.clangd.startMs)}` : '' });

  // Bundle and VSIX sizes (production build).
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT });
  const bundle = statSync(join(ROOT, 'dist', 'extension.js')).size;
  rows.push({ what: 'extension bundle', value: kb(bundle), budget: '≤ 300 KB', met: bundle <= 300 * 1024 });
  try {
    const size = statSync(packageTarget('linux-x64', dir)).size;
    rows.push({ what: 'VSIX linux-x64', value: kb(size), budget: '≤ 1.5 MB', met: size <= 1.5 * 1024 * 1024 });
  } catch (e) {
    rows.push({ what: 'VSIX linux-x64', value: 'failed', budget: '≤ 1.5 MB', met: false, note: (e as Error).message.split('\n')[0] });
  }

  // All-field capture through the probe with the stand-in framework library.
  const library = join(dir, 'libfakehv.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', library, join(ROOT, 'test', 'native', 'fake-hv.c'), '-lpthread']);
  const tablePath = join(dir, 'table.txt');
  const fields = catalogue().records.filter((r) => r.access === 'full' && r.type !== 'read-only');
  writeFileSync(tablePath, [...HV_CAPS.map((c) => `cap ${c.id} 0x0`), ...fields.map((r) => `field 0x${r.encoding.toString(16)} 0x0 0xffffffff`)].join('\n'));
  process.env.FAKE_HV_TABLE = tablePath;
  const source = new HvfSource({ library, script: join(ROOT, 'dist', 'probe.js') });
  const capture: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = Date.now();
    const snap = await source.read();
    capture.push(Date.now() - t);
    if (snap.fields?.size !== fields.length) throw new Error(`capture returned ${snap.fields?.size} of ${fields.length} fields`);
  }
  capture.sort((a, b) => a - b);
  const nodeStart = times(7, () => void execFileSync(process.execPath, ['-e', '0']), 1);
  rows.push({
    what: `all-field capture via probe (${fields.length} fields)`,
    value: ms(pct(capture, 50)),
    budget: '≤ 300 ms',
    met: pct(capture, 50) <= 300,
    note: `bare node start ${ms(pct(nodeStart, 50))}: ratio ${(pct(capture, 50) / pct(nodeStart, 50)).toFixed(2)}×`,
  });

  // Activation, logged by the extension inside a real VS Code (code-server); skipped with --no-editor.
  if (!args.has('--no-editor')) rows.push(await activation());
  else rows.push({ what: 'activation (real VS Code)', value: 'skipped', budget: '≤ 25 ms', met: null, note: '--no-editor' });

  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }); // back to the development build
  console.log(table([['MEASURE', 'VALUE', 'BUDGET', 'MET', 'NOTES'], ...rows.map((r) => [r.what, r.value, r.budget, r.met === null ? '-' : r.met ? 'yes' : 'NO', r.note ?? ''])]));
}

async function activation(): Promise<Row> {
  const { toolchain, CodeServer, launchBrowser, Workbench, copyWorkspace, buildVsix } = await import('../e2e/workbench');
  const cache = toolchain();
  const vsix = buildVsix();
  const server = await CodeServer.start({ cache, vsix, workspace: copyWorkspace(join(ROOT, 'test', 'fixtures', 'workspace'), 'bench'), trustAll: true, name: 'bench', settings: { 'vmcsInspector.source': 'profile' } });
  const browser = await launchBrowser();
  try {
    const wb = await Workbench.open(browser, server.url);
    await wb.openFile('vcpu.c', 'VMCS_CTRL_PIN_BASED');
    for (let i = 0; i < 100 && !/activated in/.test(server.extensionLog()); i++) await new Promise((r) => setTimeout(r, 200));
    const m = /activated in ([\d.]+) ms/.exec(server.extensionLog());
    if (!m) return { what: 'activation (real VS Code)', value: 'not logged', budget: '≤ 25 ms', met: false };
    const v = Number(m[1]);
    return { what: 'activation (real VS Code)', value: ms(v), budget: '≤ 25 ms', met: v <= 25, note: 'logged by the extension in code-server' };
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});

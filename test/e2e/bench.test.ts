// `npm run bench` keeps working: every row printed with a measured value and its budget. The figures themselves are
// read by people, not asserted here (a timed assertion on a shared machine only measures the machine).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, toolchain } from './workbench';

describe('npm run bench', () => {
  it('prints every row with a value and its budget (editor row skipped here)', () => {
    toolchain(); // ripgrep, for the scan's ratio
    const r = spawnSync(process.execPath, [join(ROOT, 'out', 'test', 'bench', 'bench.js'), '--no-editor'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    assert.equal(r.status, 0, r.stderr);
    const rows = new Map(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s{2,}/))
        .map(([what, ...rest]) => [what, rest]),
    );
    const expected: [RegExp, RegExp, string][] = [
      [/^hover compute p99$/, /^\d+\.\d+ ms$/, '≤ 0.25 ms'],
      [/^full-file scan \(30 MB\)$/, /^\d+(\.\d+)? ms \(\d+ MB\/s\)$/, '≥ 150 MB/s'],
      [/^catalogue index build$/, /^\d+\.\d+ ms$/, '≤ 5 ms'],
      [/^extension bundle$/, /^\d+ KB$/, '≤ 300 KB'],
      [/^VSIX linux-x64$/, /^\d+ KB$/, '≤ 1.5 MB'],
      [/^all-field capture via probe \(\d+ fields\)$/, /^\d+\.\d+ ms$/, '≤ 300 ms'],
      [/^activation \(real VS Code\)$/, /^skipped$/, '≤ 25 ms'],
    ];
    for (const [what, value, budget] of expected) {
      const row = [...rows].find(([name]) => what.test(name));
      assert.ok(row, `no row ${what} in:\n${r.stdout}`);
      assert.match(row[1][0], value, `${row[0]}: ${row[1].join(' | ')}`);
      assert.equal(row[1][1], budget, row[0]);
      assert.match(row[1][2], /^(yes|NO|-)$/, row[0]);
    }
    assert.match(r.stdout, /ripgrep [\d.]+ ms .*ratio [\d.]+×/, 'the scan row compares with ripgrep');
  });
});

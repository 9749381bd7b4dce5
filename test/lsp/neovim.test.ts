// Neovim (Debian's `neovim`, its built-in LSP client) as a real client of `vmcs lsp`: the hover, the diagnostics
// (the same as `vmcs scan` on the same file) and a quick fix applied to the buffer.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const VCPU = join(ROOT, 'test', 'fixtures', 'workspace', 'apple-hvf', 'vcpu.c');
const hasNvim = spawnSync('nvim', ['--version']).status === 0;

describe('vmcs lsp in Neovim', { skip: !hasNvim && !process.env.CI ? 'nvim not installed (apt-get install neovim)' : false, timeout: 120000 }, () => {
  it('hovers a field with its masks, shows the diagnostics vmcs scan finds, and applies a quick fix', () => {
    const lines = readFileSync(VCPU, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('VMCS_CTRL_PIN_BASED,'));
    const out = join(mkdtempSync(join(tmpdir(), 'vmcs-nvim-')), 'result.json');
    const r = spawnSync('nvim', ['--headless', '--noplugin', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${join(ROOT, 'test', 'lsp', 'neovim.lua')}`], {
      env: { ...process.env, VMCS_CLI: CLI, VMCS_FILE: VCPU, VMCS_OUT: out, VMCS_HOVER_LINE: String(line), VMCS_HOVER_COL: String(lines[line].indexOf('VMCS_CTRL_PIN_BASED') + 4) },
      timeout: 100000,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `nvim: ${r.stderr} ${r.error ?? ''}`);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(got.error, undefined, got.error);
    assert.deepEqual(got.steps, ['attached', 'hovered', 'fixed']);
    assert.match(got.hover, /Pin-based VM-execution controls/);
    assert.match(got.hover, /allowed1 0x0000007f/);
    // The same findings as the CLI's scan on the same file (Neovim's severities: 1 error … 4 hint).
    const scan = JSON.parse(spawnSync(process.execPath, [CLI, 'scan', VCPU, '--json', '--source', 'profile:coffeelake-i7-9750h'], { encoding: 'utf8' }).stdout);
    const expected = scan.files[0].violations.map((v: { line: number; col: number; message: string; severity: string }) => [v.line - 1, v.col - 1, v.message, { error: 1, warning: 2, information: 3, hint: 4 }[v.severity]]);
    const seen = got.diagnostics.map((d: { lnum: number; col: number; message: string; severity: number }) => [d.lnum, d.col, d.message, d.severity]);
    assert.deepEqual(seen.sort(), expected.sort());
    // vcpu.c's deliberate 0x200 to the VM-entry controls: (0x200 | allowed0 0x11fb) & allowed1 0x3ffff = 0x13fb.
    assert.equal(got.action, 'Replace with the adjusted value 0x13fb');
    assert.match(got.line_after, /VMCS_CTRL_VMENTRY_CONTROLS, 0x13fb\)/);
    assert.equal(got.cleared, true);
  });
});

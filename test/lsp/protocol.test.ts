// `vmcs lsp` driven by a scripted client over stdio: initialize, hover, incremental changes, diagnostics (the same
// findings as `vmcs scan`), quick fixes, configuration changes, dumps, malformed input, size limits, shutdown.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LspClient } from './client';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const WS = join(ROOT, 'test', 'fixtures', 'workspace');
const VCPU = join(WS, 'apple-hvf', 'vcpu.c');
const uriOf = (path: string) => pathToFileURL(path).href;
const PROFILE = 'profile:coffeelake-i7-9750h';

const start = (args: string[] = ['--source', PROFILE]) => new LspClient(process.execPath, [CLI, 'lsp', '--stdio', ...args]);

function open(c: LspClient, path: string, text = readFileSync(path, 'utf8'), languageId = 'c') {
  c.notify('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId, version: 1, text } });
}

const hoverText = async (c: LspClient, uri: string, line: number, character: number) => {
  const r = await c.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  return r.result?.contents.value ?? '';
};

describe('vmcs lsp: protocol', { timeout: 120000 }, () => {
  let c: LspClient;
  const uri = uriOf(VCPU);
  const lines = readFileSync(VCPU, 'utf8').split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text));

  before(async () => {
    c = start();
    const init = await c.initialize(uriOf(WS));
    const caps = (init.result as { capabilities: Record<string, unknown> }).capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
  });
  after(() => c?.kill());

  it('publishes on open the same findings as vmcs scan on the same file (warnings and hints)', async () => {
    open(c, VCPU);
    const got = await c.diagnostics(uri);
    const scan = JSON.parse(spawnSync(process.execPath, [CLI, 'scan', VCPU, '--json', '--source', PROFILE], { encoding: 'utf8' }).stdout);
    const expected = scan.files[0].violations.map((v: { line: number; col: number; message: string; severity: string }) => [v.line - 1, v.col - 1, v.message, { warning: 2, hint: 4, error: 1, information: 3 }[v.severity]]);
    assert.deepEqual(got.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message, d.severity]), expected);
    assert.ok(expected.length >= 2);
  });

  it('hovers a field name with the extension\'s markdown, without VS Code icons or command links', async () => {
    const line = lineOf('VMCS_CTRL_PIN_BASED,');
    const text = await hoverText(c, uri, line, lines[line].indexOf('VMCS_CTRL_PIN_BASED') + 3);
    assert.match(text, /Pin-based VM-execution controls/);
    assert.match(text, /allowed1 0x0000007f/);
    assert.match(text, /profile:coffeelake-i7-9750h/);
    assert.doesNotMatch(text, /\$\(|command:/);
    // A constant written to a field, decoded; an unrelated word, nothing.
    const cs = lineOf('VMCS_GUEST_CS_AR, 0x9b');
    assert.match(await hoverText(c, uri, cs, lines[cs].indexOf('0x9b') + 1), /written to `Guest CS access rights`/);
    assert.equal(await hoverText(c, uri, 0, 1), '');
  });

  it('takes incremental changes: a violating write typed in gets a diagnostic, and its quick fix removes it', async () => {
    const line = lineOf('VMCS_GUEST_CR4, 0x2000');
    const inserted = '\thv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, 0x9);\n';
    const before = c.notifications.length;
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: inserted }] });
    const d = await c.diagnostics(uri, before, 2);
    const mine = d.diagnostics.find((x) => x.range.start.line === line);
    assert.ok(mine, JSON.stringify(d.diagnostics));
    assert.match(mine.message, /^writes 0x9 to Pin-based VM-execution controls: bits 1, 2, 4 \(reserved \(default1\)\) must be 1 but are clear/);
    const actions = await c.request<{ title: string; edit: { changes: Record<string, { range: unknown; newText: string }[]> } }[]>('textDocument/codeAction', { textDocument: { uri }, range: mine.range, context: { diagnostics: [mine] } });
    const fix = actions.result!.find((a) => a.title.startsWith('Replace with the adjusted value'))!;
    assert.equal(fix.title, 'Replace with the adjusted value 0x1f');
    const [edit] = fix.edit.changes[uri];
    const after = c.notifications.length;
    c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
    const fixed = await c.diagnostics(uri, after, 3);
    assert.equal(fixed.diagnostics.filter((x) => x.range.start.line === line).length, 0);
  });

  it('follows configuration changes: a profile, target CPUs; a hardware source from the client is refused', async () => {
    let n = c.notifications.length;
    c.notify('workspace/didChangeConfiguration', { settings: { vmcsInspector: { profile: 'conroe-core2-x6800', targets: 'all' } } });
    const d = await c.diagnostics(uri, n);
    assert.ok(d.diagnostics.some((x) => x.code === 'targets' && /of 34 target CPUs/.test(x.message)), JSON.stringify(d.diagnostics.map((x) => x.message)));
    const line = lineOf('VMCS_CTRL_PIN_BASED,');
    const text = await hoverText(c, uri, line, lines[line].indexOf('VMCS_CTRL_PIN_BASED') + 3);
    assert.match(text, /profile:conroe-core2-x6800/);
    assert.match(text, /Exists on all 34 target CPUs/);
    n = c.notifications.length;
    c.notify('workspace/didChangeConfiguration', { settings: { vmcsInspector: { source: 'kvm', 'kvm.device': '/dev/kvm', targets: [] } } });
    const refused = await c.waitFor((m) => m.method === 'window/showMessage' && c.notifications.indexOf(m) >= n && /source: "kvm" comes only from the server's command line/.test((m.params as { message: string }).message));
    assert.equal((refused.params as { type: number }).type, 2);
    await c.waitFor((m) => m.method === 'window/showMessage' && /kvm\.device is ignored: native paths come only from the server's command line/.test((m.params as { message: string }).message));
    // Back to the server's own source (the command line's profile).
    assert.match(await hoverText(c, uri, line, lines[line].indexOf('VMCS_CTRL_PIN_BASED') + 3), /profile:coffeelake-i7-9750h/);
  });

  it('checks VMCS dumps: failing checks on the values, hovers that decode them', async () => {
    const dump = join(WS, 'dumps', 'kvm-6.8-invalid-cs.vmcsdump');
    const duri = uriOf(dump);
    open(c, dump, readFileSync(dump, 'utf8'), 'vmcsdump');
    const d = await c.diagnostics(duri);
    const cs = d.diagnostics.find((x) => /guest\.cs/.test(String(x.code)));
    assert.ok(cs, JSON.stringify(d.diagnostics.map((x) => x.code)));
    assert.equal(cs.severity, 1);
    const text = await hoverText(c, duri, cs.range.start.line, cs.range.start.character + 1);
    assert.match(text, /Guest CS access rights/);
  });

  it('answers malformed JSON, unknown methods and bad params with errors, and goes on serving', async () => {
    c.writeRaw('{"jsonrpc": "2.0", "id": 4242, "method": "textDocument/hover", "params": ');
    const unknown = await c.request('vmcs/noSuchMethod', {});
    assert.equal(unknown.error?.code, -32601);
    const unopened = await c.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.c' }, position: { line: 0, character: 0 } });
    assert.equal(unopened.result, null);
    // Nonsense params get an answer (an error or null), not silence or a dead server.
    const bad = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: -5, character: 'x' } });
    assert.ok(bad.error ? bad.error.code === -32603 : bad.result === null, JSON.stringify(bad));
    const line = lineOf('VMCS_CTRL_PIN_BASED,');
    assert.match(await hoverText(c, uri, line, lines[line].indexOf('VMCS_CTRL_PIN_BASED') + 3), /Pin-based/);
  });

  it('does not scan a document over the size limit, yet hovers it by the line, without blocking', async () => {
    const big = join(WS, 'large', 'huge.c');
    const unit = 'hv_vmx_vcpu_write_vmcs(vcpu, VMCS_CTRL_PIN_BASED, 0x9);\n';
    const text = unit.repeat(Math.ceil(3_000_000 / unit.length));
    const t0 = Date.now();
    open(c, big, text);
    await c.waitFor((m) => m.method === 'window/showMessage' && /huge\.c is larger than vmcsInspector\.diagnostics\.maxFileSize/.test((m.params as { message: string }).message));
    assert.match(await hoverText(c, uriOf(big), 1000, 35), /Pin-based VM-execution controls/);
    assert.ok(Date.now() - t0 < 10000, `${Date.now() - t0} ms`);
    assert.equal(c.notifications.some((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; diagnostics: unknown[] }).uri === uriOf(big) && (m.params as { diagnostics: unknown[] }).diagnostics.length > 0), false);
  });

  it('writes nothing but protocol to stdout, and exits 0 after shutdown and exit', async () => {
    assert.equal(c.stray, '');
    assert.equal(await c.shutdown(), 0);
  });
});

describe('vmcs lsp: lifecycle', { timeout: 60000 }, () => {
  it('exits 1 on exit without shutdown, and when its client goes away', async () => {
    const c = start();
    await c.initialize(uriOf(WS));
    c.notify('exit', null);
    assert.equal(await c.exited, 1);
    const d = start();
    await d.initialize(uriOf(WS));
    d.child.stdin.end();
    assert.notEqual(await d.exited, null);
  });
});

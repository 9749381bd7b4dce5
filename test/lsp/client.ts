// A minimal LSP client over stdio for the protocol tests and the bench: Content-Length framing, requests by id,
// notifications kept in order, and raw writes for malformed input.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly notifications: Message[] = [];
  /** Everything the server wrote to stdout that was not a framed message (must stay empty). */
  stray = '';
  stderr = '';
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number | string, (m: Message) => void>();
  private readonly waiters: { test: (m: Message) => boolean; done: (m: Message) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'pipe' });
    this.child.stdout.on('data', (d: Buffer) => this.read(d));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  private read(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString('ascii');
      const m = /^Content-Length: (\d+)/im.exec(header);
      if (!m || !/^Content-Length: \d+(\r\nContent-Type: [^\r\n]*)?$/i.test(header)) {
        // Not a header: keep it as stray output and resynchronise on the next header.
        const next = this.buffer.indexOf('Content-Length:', 1);
        this.stray += this.buffer.subarray(0, next < 0 ? this.buffer.length : next).toString();
        this.buffer = next < 0 ? Buffer.alloc(0) : this.buffer.subarray(next);
        if (next < 0) return;
        continue;
      }
      const length = Number(m[1]);
      if (this.buffer.length < end + 4 + length) return;
      const body = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(body);
    }
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined && m.id !== null && !m.method && this.pending.has(m.id)) {
      this.pending.get(m.id)!(m);
      this.pending.delete(m.id);
      return;
    }
    if (m.method && m.id !== undefined) {
      // A request from the server (workspace/configuration, window/workDoneProgress/create, …): answer null.
      this.send({ jsonrpc: '2.0', id: m.id, result: null });
    }
    this.notifications.push(m);
    for (const w of [...this.waiters]) {
      if (w.test(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.done(m);
      }
    }
  }

  send(m: Message): void {
    this.writeRaw(JSON.stringify(m));
  }

  /** A framed body exactly as given (which may be malformed JSON). */
  writeRaw(body: string): void {
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  request<R = unknown>(method: string, params: unknown, timeoutMs = 15000): Promise<Message & { result?: R }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${method}: no answer in ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(t);
        resolve(m as Message & { result?: R });
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The first notification (already received or to come) that passes the test. */
  waitFor(test: (m: Message) => boolean, timeoutMs = 15000, what = 'notification'): Promise<Message> {
    const seen = this.notifications.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ test, done: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  /** The next diagnostics for a document after the given count of notifications. */
  diagnostics(uri: string, after = 0, version?: number): Promise<{ uri: string; version?: number; diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; message: string; severity: number; code?: string }[] }> {
    return this.waitFor(
      (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri && this.notifications.indexOf(m) >= after && (version === undefined || (m.params as { version?: number }).version === version),
      15000,
      `diagnostics for ${uri}`,
    ).then((m) => m.params as never);
  }

  async initialize(rootUri: string, initializationOptions: unknown = {}): Promise<Message> {
    const r = await this.request('initialize', { processId: process.pid, rootUri, capabilities: { textDocument: { hover: { contentFormat: ['markdown'] } } }, initializationOptions, workspaceFolders: [{ uri: rootUri, name: 'ws' }] });
    this.notify('initialized', {});
    return r;
  }

  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

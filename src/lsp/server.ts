// `vmcs lsp`: the language server on stdio, over the same core as the extension — hovers, diagnostics (pushed on open
// and change, debounced, the diagnostics policy of DESIGN.md §7), quick fixes, VMCS states and dumps. The capability
// source is the server's own (command line, environment); a client may choose a profile, a snapshot and targets.
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  ErrorCodes,
  ResponseError,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { load, type Loaded, type SourceOptions } from '../capabilities/service';
import { loadTargets } from '../capabilities/targets';
import { languagesOf } from '../core/catalogue/languages';
import { hex } from '../core/catalogue/hex';
import type { Fleet } from '../core/caps/fleet';
import { exitConstant } from '../core/decode/constants';
import { decodeField, hasDecoder } from '../core/decode/decode';
import { exitConstantMarkdown } from '../core/render/exit-markdown';
import { sourceHover, type HoverDecoders } from '../core/render/hover';
import { diagnose, type Finding } from '../core/source/diagnose';
import { scanText, type ScanOptions, type ScanResult } from '../core/source/scan';
import { checkDump, dumpHover, isDumpDocument, type CheckedDump } from './dumps';
import { readSettings, DEFAULT_SETTINGS, type Settings } from './settings';

export interface ServerOptions {
  /** The server's source spec (command line); hardware sources are allowed only here. Default: auto. */
  source?: string;
  sourceOptions: SourceOptions;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const DEBOUNCE_MS = 150;
const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;
const DECODERS: HoverDecoders = { hasDecoder, decodeField, exitConstant, exitConstantMarkdown };
// VS Code's theme icons mean nothing to other editors.
const plain = (markdown: string) => markdown.replace(/\$\([a-z0-9~-]+\)\s?/g, '');

interface DocState {
  version: number;
  text: string;
  scan?: ScanResult;
  options: ScanOptions;
  findings: { finding: Finding; diagnostic: Diagnostic }[];
  dump?: CheckedDump;
}

/**
 * The writer sends a message's header and body as two writes: one pipe write per message instead, made when the
 * current turn's writes are done (a hover's round trip is mostly these system calls).
 */
function coalesced(out: NodeJS.WritableStream): NodeJS.WritableStream {
  const parts: Buffer[] = [];
  const flush = () => out.write(parts.length === 1 ? parts[0] : Buffer.concat(parts.splice(0)), () => undefined);
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!parts.length) setImmediate(() => (flush(), (parts.length = 0)));
      parts.push(chunk);
      done();
    },
  });
}

export function startServer(o: ServerOptions): Connection {
  // Only protocol goes to stdout: anything the code would print goes to stderr.
  for (const k of ['log', 'info', 'warn', 'error', 'debug'] as const) console[k] = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  // Streams, not message readers: then the connection also ends the process when its input closes.
  const connection = createConnection(o.input ?? process.stdin, coalesced(o.output ?? process.stdout));
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  const timers = new Map<string, NodeJS.Timeout>();
  const tooLarge = new Set<string>();
  let root: string | undefined;
  let settings: Settings = DEFAULT_SETTINGS;
  let loaded: Promise<Loaded | undefined> = Promise.resolve(undefined);
  let current: Loaded | undefined;
  let targets: Fleet | undefined;
  let sourceKey = '';
  let targetsKey = '';
  // Hover markdown of the names shown so far, for the current source and targets.
  let hoverCache = new Map<string, string>();

  const log = (message: string) => connection.console.log(message);
  const show = (type: MessageType, message: string) => void connection.sendNotification(ShowMessageNotification.type, { type, message: `VMCS: ${message}` });
  const warn = (message: string) => show(MessageType.Warning, message);

  /** Applies settings: reloads the source or the targets only when they change, then checks the open documents. */
  async function apply(raw: unknown): Promise<void> {
    const { settings: next, problems } = readSettings(raw, root);
    for (const p of problems) warn(p);
    settings = next;
    const spec = next.clientSpec ?? o.source ?? 'auto';
    if (spec !== sourceKey) {
      sourceKey = spec;
      loaded = (async () => {
        try {
          const l = await load(spec, next.clientSpec ? {} : o.sourceOptions);
          log(`capabilities from ${l.source.id}: ${l.reasons.join('; ')}`);
          hoverCache = new Map();
          return (current = l);
        } catch (e) {
          warn(`${(e as Error).message}${current ? `. Still using ${current.source.id}.` : ''}`);
          return current;
        }
      })();
    }
    const tkey = JSON.stringify(next.targets);
    if (tkey !== targetsKey) {
      targetsKey = tkey;
      try {
        targets = next.targets.length ? await loadTargets(next.targets, root) : undefined;
      } catch (e) {
        targets = undefined;
        warn(`${(e as Error).message}. No target CPUs are checked.`);
      }
      hoverCache = new Map();
    }
    await loaded;
    for (const doc of documents.all()) schedule(doc, 0);
  }

  function schedule(doc: TextDocument, delay = DEBOUNCE_MS): void {
    clearTimeout(timers.get(doc.uri));
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      void refresh(doc.uri);
    }, delay));
  }

  /** Scans (or checks, for states and dumps) the document as it is now and publishes its diagnostics. */
  async function refresh(uri: string): Promise<void> {
    const l = await loaded;
    const doc = documents.get(uri);
    if (!doc || !l) return;
    try {
      const text = doc.getText();
      const options: ScanOptions = { languages: languagesOf(doc.languageId, uri), accessors: settings.accessors };
      const state: DocState = { version: doc.version, text, options, findings: [] };
      let diagnostics: Diagnostic[] = [];
      if (text.length > settings.maxFileSize) {
        if (!tooLarge.has(uri)) {
          tooLarge.add(uri);
          show(MessageType.Info, `${uri} is larger than vmcsInspector.diagnostics.maxFileSize (${settings.maxFileSize} characters) and is not checked.`);
        }
      } else if (isDumpDocument(uri)) {
        const r = checkDump(doc, l.caps);
        state.dump = r.checked;
        diagnostics = r.diagnostics;
      } else {
        state.scan = scanText(text, options);
        const policy = { value: settings.severity, readOnly: settings.severity, missingField: settings.missingFieldSeverity } as Parameters<typeof diagnose>[3];
        for (const finding of diagnose(state.scan, l.caps, l.source.id, policy, targets)) {
          const severity = SEVERITY[finding.severity as keyof typeof SEVERITY];
          if (!severity) continue;
          const range = { start: doc.positionAt(finding.write.value.start), end: doc.positionAt(finding.write.value.end) };
          const diagnostic: Diagnostic = { range, message: finding.message, severity, source: 'VMCS', code: finding.kind };
          state.findings.push({ finding, diagnostic });
        }
        diagnostics = state.findings.map((f) => f.diagnostic);
      }
      if (documents.get(uri)?.version !== doc.version) return; // changed meanwhile: the next refresh publishes
      states.set(uri, state);
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    } catch (e) {
      connection.console.error(`VMCS: checking ${uri} failed: ${(e as Error).message}`);
    }
  }

  /** The document's state for its current version (a request may come before the debounced scan). */
  async function stateOf(uri: string): Promise<DocState | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    if (states.get(uri)?.version !== doc.version) {
      clearTimeout(timers.get(uri));
      timers.delete(uri);
      await refresh(uri);
    }
    const s = states.get(uri);
    return s?.version === doc.version ? s : undefined;
  }

  /** A handler's failure is an LSP error for that request, never the server's end. */
  const guarded =
    <P, R>(name: string, run: (p: P) => Promise<R>) =>
    async (p: P): Promise<R | ResponseError<void>> => {
      try {
        return await run(p);
      } catch (e) {
        connection.console.error(`VMCS: ${name} failed: ${(e as Error).stack ?? e}`);
        return new ResponseError(ErrorCodes.InternalError, `VMCS: ${name} failed: ${(e as Error).message}`);
      }
    };

  connection.onInitialize((params: InitializeParams) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    root = folder?.startsWith('file:') ? fileURLToPath(folder) : (params.rootPath ?? undefined);
    void apply(params.initializationOptions ?? {});
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'vmcs-inspector' },
    };
  });

  connection.onDidChangeConfiguration((p) => void apply(p.settings));
  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    states.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(
    guarded('hover', async (p) => {
      if (!settings.hoverEnabled) return null;
      const doc = documents.get(p.textDocument.uri);
      const l = await loaded;
      if (!doc || !l) return null;
      const state = await stateOf(p.textDocument.uri);
      if (state?.dump) return dumpHover(state.dump, p.position.line, p.position.character, l.caps, l.source.id) ?? null;
      // A document over the size limit is read by the line alone.
      const line = state?.scan ? undefined : doc.getText({ start: { line: p.position.line, character: 0 }, end: { line: p.position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
      const found = sourceHover(
        { text: line ?? state!.text, scan: state?.scan, options: state?.options ?? { languages: languagesOf(doc.languageId, doc.uri) } },
        line === undefined ? doc.offsetAt(p.position) : p.position.character,
        { caps: l.caps, sourceId: l.source.id, targets, decoders: () => DECODERS, cache: hoverCache },
      );
      if (!found) return null;
      const at = (offset: number) => (line === undefined ? doc.positionAt(offset) : { line: p.position.line, character: offset });
      return { contents: { kind: 'markdown', value: plain(found.markdown) }, range: { start: at(found.start), end: at(found.end) } };
    }),
  );

  connection.onCodeAction(
    guarded('codeAction', async (p) => {
      const state = await stateOf(p.textDocument.uri);
      if (!state) return [];
      const actions: CodeAction[] = [];
      const overlaps = (r: Diagnostic['range']) =>
        !(r.end.line < p.range.start.line || (r.end.line === p.range.start.line && r.end.character < p.range.start.character) || r.start.line > p.range.end.line || (r.start.line === p.range.end.line && r.start.character > p.range.end.character));
      for (const { finding, diagnostic } of state.findings) {
        if (!overlaps(diagnostic.range)) continue;
        const fix = (title: string, newText: string, isPreferred: boolean) =>
          actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred, edit: { changes: { [p.textDocument.uri]: [{ range: diagnostic.range, newText }] } } });
        if (finding.adjusted !== undefined) fix(`Replace with the adjusted value ${hex(finding.adjusted)}`, hex(finding.adjusted), true);
        if (finding.wrapped) fix(`Wrap in ${finding.wrapped}`, finding.wrapped, false);
      }
      return actions;
    }),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}

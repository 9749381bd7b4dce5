// VMCS states and dumps in the language server (`*.vmcs-state.json`, `*.vmcsdump`): the VM-entry checks as
// diagnostics on the failing fields' values, unread dump lines as warnings, and a hover that decodes each value.
import type { Diagnostic, Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CapabilitySet } from '../core/caps/capset';
import { fieldAt, readInput, type VmcsInput } from '../core/dump/input';
import { StateError } from '../core/dump/state-file';
import { cpuFacts, entryCaps } from '../core/entry/caps';
import { checkEntry, type EntryReport } from '../core/entry/engine';
import { entryFindings, entryValueMarkdown, stateErrorLine } from '../core/render/entry-findings';

export const isDumpDocument = (uri: string): boolean => /\.vmcs-state\.json$|\.vmcsdump$/i.test(uri);

export interface CheckedDump {
  input: VmcsInput;
  report: EntryReport;
}

const ERROR = 1;
const SEVERITY = { error: ERROR, warning: 2, information: 3 } as const;

/** The checks of a state or dump document, and their diagnostics. */
export function checkDump(doc: TextDocument, caps: CapabilitySet): { checked?: CheckedDump; diagnostics: Diagnostic[] } {
  const text = doc.getText();
  const lineRange = (line: number) => ({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } });
  const where = decodeURIComponent(doc.uri.replace(/^file:\/\//, ''));
  let input: VmcsInput;
  try {
    input = readInput(text, where, /\.vmcs-state\.json$/i.test(doc.uri) ? 'vmcs-state' : undefined);
  } catch (e) {
    if (!(e instanceof StateError)) throw e;
    return { diagnostics: [{ range: lineRange(stateErrorLine(e.message) - 1), message: e.message, severity: ERROR, source: 'VMCS' }] };
  }
  const report = checkEntry({ fields: input.fields, msrLoad: input.msrLoad }, entryCaps(caps), cpuFacts(caps));
  const diagnostics: Diagnostic[] = entryFindings(input, report).map((f) => ({
    range: f.line !== undefined ? lineRange(f.line - 1) : f.spot ? { start: { line: f.spot.line - 1, character: f.spot.start }, end: { line: f.spot.line - 1, character: f.spot.end } } : lineRange(0),
    message: f.message,
    severity: SEVERITY[f.severity],
    source: 'VMCS',
    code: f.code,
  }));
  return { checked: { input, report }, diagnostics };
}

/** The decoded value under the cursor of a checked document, with the checks it fails. */
export function dumpHover(c: CheckedDump, line: number, character: number, caps: CapabilitySet, sourceId: string): Hover | undefined {
  const at = fieldAt(c.input, line, character);
  if (!at) return undefined;
  const { start, end } = at.spot;
  return { contents: { kind: 'markdown', value: entryValueMarkdown(c.input, c.report, at.encoding, caps, sourceId) }, range: { start: { line, character: start }, end: { line, character: end } } };
}

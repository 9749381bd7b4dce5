// What the text at a position refers to: a VMCS field by any alias, a raw encoding passed as the field argument of an
// accessor, or a named control bit. Hovers read it from the document's scan; a line alone is read when that is all
// there is.
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { controlBitByAlias, type ControlBit } from '../catalogue/controls';
import { ANY_LANGUAGE } from '../catalogue/languages';
import { scanText, type ScanOptions, type ScanResult } from './scan';

export type Reference =
  | { kind: 'field'; record: FieldRecord; start: number; end: number; via: 'name' | 'encoding'; text: string }
  | { kind: 'bit'; bit: ControlBit; start: number; end: number; text: string };

const WORD = /[A-Za-z0-9_]/;
const WINDOW = 2000;

/** The token around `ch`: an identifier (with Rust `::` paths) or a number. */
function tokenAt(line: string, ch: number): { start: number; end: number } | undefined {
  const isWord = (i: number) => i >= 0 && i < line.length && (WORD.test(line[i]) || (line[i] === ':' && (line[i + 1] === ':' || line[i - 1] === ':')));
  let start = ch;
  let end = ch;
  if (!isWord(ch)) {
    if (!isWord(ch - 1)) return undefined;
    start = end = ch - 1;
  }
  while (isWord(start - 1) && ch - start < 256) start--;
  while (isWord(end + 1) && end - ch < 256) end++;
  while (line[start] === ':') start++;
  while (line[end] === ':') end--;
  return start <= end ? { start, end: end + 1 } : undefined;
}

/** For a position inside a call's parentheses on this line: the callee's name, the argument index and the argument count. */
export function callContext(line: string, start: number, end: number): { callee: string; argIndex: number; args?: number } | undefined {
  let depth = 0;
  let argIndex = 0;
  let open = -1;
  // A call spans a few hundred characters at most; a minified megabyte line must not be walked on every hover.
  const from = Math.max(0, start - WINDOW);
  for (let i = start - 1; i >= from; i--) {
    const c = line[i];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) {
        open = i;
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) argIndex++;
  }
  if (open < 0) return undefined;
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*!?\s*$/.exec(line.slice(0, open));
  if (!callee) return undefined;
  let args: number | undefined;
  depth = 0;
  let commas = argIndex;
  for (let i = end, to = Math.min(line.length, end + WINDOW); i < to; i++) {
    const c = line[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) {
        args = commas + 1;
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) commas++;
  }
  return { callee: callee[1], argIndex, args };
}

/**
 * The reference at `offset` of a scanned text (what a hover shows): the scan's reference there, which knows the
 * file's own definitions and multi-line calls, else a control-bit name under the cursor.
 */
export function referenceInScan(scan: ScanResult, text: string, offset: number, options: ScanOptions = {}): Reference | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const line = text.slice(lineStart, nl < 0 ? text.length : nl);
  const t = tokenAt(line, offset - lineStart);
  if (!t) return undefined;
  const from = lineStart + t.start;
  const to = lineStart + t.end;
  const refs = scan.references;
  let lo = 0;
  let hi = refs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (refs[mid].end <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < refs.length && refs[i].start < to; i++) {
    const r = refs[i];
    if (r.end > from) {
      const macro = r.end > to; // GUEST_SEG_SELECTOR(x86_seg_cs): the reference is the whole call
      return { kind: 'field', record: r.record, start: (macro ? r.start : from) - lineStart, end: (macro ? r.end : to) - lineStart, via: r.via, text: r.text };
    }
  }
  return bitAt(line, t, options);
}

/** A control-bit name in the token `t` of a line. */
function bitAt(line: string, t: { start: number; end: number }, options: ScanOptions): Reference | undefined {
  const text = line.slice(t.start, t.end);
  if (/^[0-9]/.test(text)) return undefined;
  const languages = options.languages ?? ANY_LANGUAGE;
  for (const name of catalogue().pathSuffixes(text)) {
    const bit = controlBitByAlias(name, languages);
    if (bit) return { kind: 'bit', bit, start: t.start, end: t.end, text: name };
  }
  return undefined;
}

/**
 * The reference at `ch` of one line, when only the line is at hand: the scanner's own reading of a window of the
 * line (so it agrees with diagnostics on languages, placements, accessors, macros), else a control-bit name.
 */
export function referenceAt(line: string, ch: number, options: ScanOptions = {}): Reference | undefined {
  const t = tokenAt(line, ch);
  if (!t) return undefined;
  const from = Math.max(0, t.start - WINDOW);
  const window = line.slice(from, Math.min(line.length, t.end + WINDOW));
  for (const r of scanText(window, options).references) {
    const start = r.start + from;
    const end = r.end + from;
    if (start < t.end && end > t.start) {
      const macro = end > t.end; // GUEST_SEG_SELECTOR(x86_seg_cs): the reference is the whole call
      return { kind: 'field', record: r.record, start: macro ? start : t.start, end: macro ? end : t.end, via: r.via, text: r.text };
    }
  }
  return bitAt(line, t, options);
}

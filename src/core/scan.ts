// Finds VMCS references and constant writes in C, C++, Rust, Swift and Go source. Comments, strings and `#if 0`
// blocks are blanked first (offsets kept), so everything after works on code only.
import { ACCESSORS, accessorForm, ADJUST_HELPERS } from './accessors';
import { catalogue, type FieldRecord } from './catalogue';
import { controlBitByAlias, HV_CAPS_BY_CONTROL, type ControlKey } from './controls';
import { parseEncoding } from './encoding';
import { evaluate } from './expr';

export interface Span {
  /** Offsets into the text. */
  start: number;
  end: number;
}

export interface ScanReference extends Span {
  record: FieldRecord;
  text: string;
  via: 'name' | 'encoding';
}

export interface ScanWrite {
  accessor: string;
  record: FieldRecord;
  field: Span;
  value: Span & { text: string };
  /** The value when it is a constant expression; undefined otherwise (or when adjusted). */
  constant?: bigint;
  /** The value goes through cap2ctrl or a similar adjust helper. */
  adjusted: boolean;
}

export interface ScanResult {
  references: ScanReference[];
  writes: ScanWrite[];
  /** What a quick fix may reuse from the file; computed only when asked. */
  fileContext: () => FileContext;
}

export interface FileContext {
  /** An adjust helper the file already calls, with its argument count. */
  adjustHelper?: { name: string; args: number };
  /** Variables holding a control's capability value (from hv_vmx_read_capability), by control. */
  capabilityVars: Map<ControlKey, string>;
}

function fileContext(code: string): FileContext {
  let adjustHelper: FileContext['adjustHelper'];
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (!ADJUST_HELPERS.has(m[1])) continue;
    const args = callArgs(code, m.index! + m[0].length - 1);
    if (args?.length) {
      adjustHelper = { name: m[1], args: args.length };
      break;
    }
  }
  const capabilityVars = new Map<ControlKey, string>();
  for (const [control, capName] of HV_CAPS_BY_CONTROL) {
    if (!code.includes(capName)) continue;
    const assigned = new RegExp(`\\b([A-Za-z_]\\w*)\\s*=[^;=]*\\b${capName}\\b`).exec(code) ?? new RegExp(`\\b${capName}\\s*,\\s*&\\s*([A-Za-z_]\\w*)`).exec(code);
    if (assigned) capabilityVars.set(control, assigned[1]);
  }
  return { adjustHelper, capabilityVars };
}

// Comments, strings and char literals (a char literal is one character or one escape, so Rust lifetimes survive).
const NOISE = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[^\n]{1,9}?|[^'\\\n])'|`[^`]*`?/g;

const blank = (s: string) => (s.includes('\n') ? s.replace(/[^\n]/g, ' ') : ' '.repeat(s.length));

/** The text with comments, strings and dead preprocessor branches replaced by spaces (same length, same lines). */
export function codeOnly(text: string): string {
  const cleaned = text.replace(NOISE, blank);
  if (!cleaned.includes('#')) return cleaned;
  // Preprocessor conditionals: a frame per #if; `constant` is 1 or 0 for `#if 1` / `#if 0`, else null (unknown: live).
  // Only directive lines are visited; dead stretches are blanked between them.
  const frames: { live: boolean; constant: 0 | 1 | null }[] = [];
  const parts: string[] = [];
  let copied = 0;
  let deadFrom = -1;
  const dead = () => frames.some((f) => !f.live);
  for (const m of cleaned.matchAll(/^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b[ \t]*([^\n]*)/gm)) {
    const [, kw, rest] = m;
    const wasDead = dead();
    const top = frames[frames.length - 1];
    if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const c = kw === 'if' && /^(0|false)\s*$/.test(rest) ? 0 : kw === 'if' && /^(1|true)\s*$/.test(rest) ? 1 : null;
      frames.push({ live: c !== 0, constant: c });
    } else if (top && (kw === 'else' || kw === 'elif')) {
      // After a taken `#if 1` every later branch is dead; after `#if 0` the next branch is live (its condition unknown).
      top.live = top.constant !== 1;
      if (kw === 'elif' && top.constant === 0) top.constant = null;
    } else if (kw === 'endif') frames.pop();
    const isDead = dead();
    if (!wasDead && isDead) deadFrom = m.index!;
    if (wasDead && !isDead) {
      const lineEnd = cleaned.indexOf('\n', m.index!);
      const to = lineEnd < 0 ? cleaned.length : lineEnd;
      parts.push(cleaned.slice(copied, deadFrom), blank(cleaned.slice(deadFrom, to)));
      copied = to;
    }
  }
  if (dead()) {
    parts.push(cleaned.slice(copied, deadFrom), blank(cleaned.slice(deadFrom)));
    copied = cleaned.length;
  }
  parts.push(cleaned.slice(copied));
  return parts.join('');
}

/** Object-like `#define NAME value` macros (with line continuations). */
function defines(code: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of code.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n\\]|\\\n?)*)$/gm)) out.set(m[1], m[2].replace(/\\\n/g, ' ').trim());
  return out;
}

/**
 * Boundaries of the top-level arguments of the call whose `(` is at `open`: argument k spans
 * bounds[k] + 1 .. bounds[k + 1]. Undefined if the call does not close within a bound. Only the arguments a caller
 * asks for are sliced (argText), which keeps a scan of a file full of calls light on allocation.
 */
function argBounds(code: string, open: number): number[] | undefined {
  const bounds = [open];
  let depth = 0;
  const limit = Math.min(code.length, open + 8192);
  for (let i = open + 1; i < limit; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++; // ( [ {
    else if (c === 41 || c === 93 || c === 125) {
      if (depth === 0) {
        if (c !== 41) return undefined;
        bounds.push(i);
        // f() has no argument, f(a) one
        return bounds.length === 2 && !code.slice(open + 1, i).trim() ? [open] : bounds;
      }
      depth--;
    } else if (c === 44 && depth === 0) bounds.push(i);
    else if (c === 59 && depth === 0) return undefined; // ';' before ')': not a call we understand
  }
  return undefined;
}

function argText(code: string, bounds: number[], k: number): Span & { text: string } {
  return trimmed(code, bounds[k] + 1, bounds[k + 1]);
}

/** Top-level arguments of the call whose `(` is at `open`. */
function callArgs(code: string, open: number): (Span & { text: string })[] | undefined {
  const bounds = argBounds(code, open);
  return bounds && Array.from({ length: bounds.length - 1 }, (_, k) => argText(code, bounds, k));
}

function trimmed(code: string, start: number, end: number): Span & { text: string } {
  while (start < end && isSpaceCode(code.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(code.charCodeAt(end - 1))) end--;
  return { start, end, text: code.slice(start, end) };
}

/** Names usable in constant values: control bits (not Linux's VMX_FEATURE_* word numbers) and #defines. */
function resolver(defs: Map<string, string>) {
  const seen = new Set<string>();
  const resolve = (name: string): bigint | undefined => {
    const bit = /^VMX_FEATURE_|_SHIFT$/.test(name) ? undefined : controlBitByAlias(name.split('::').pop()!);
    if (bit) return 1n << BigInt(bit.bit);
    const body = defs.get(name);
    if (body === undefined || seen.has(name)) return undefined;
    seen.add(name);
    try {
      return evaluate(body, resolve);
    } finally {
      seen.delete(name);
    }
  };
  return resolve;
}

/** A field argument: an alias (Rust paths by their longest known suffix), an encoding, or a #define of one. */
function fieldOf(arg: string, defs: Map<string, string>, resolve: (n: string) => bigint | undefined): { record: FieldRecord; via: 'name' | 'encoding' } | undefined {
  const cat = catalogue();
  const direct = cat.findExact(arg);
  if (direct) return { record: direct, via: 'name' };
  const parts = arg.split('::');
  for (let i = 0; i < parts.length; i++) {
    const r = cat.findExact(parts.slice(i).join('::'));
    if (r) return { record: r, via: 'name' };
  }
  const enc = parseEncoding(arg.replace(/(?:u|l|ul|ull|ll)$/i, '')) ?? (/^\w+$/.test(arg) && defs.has(arg) ? evaluate(arg, resolve) : undefined);
  const r = enc === undefined ? undefined : cat.byEncodingNumber(Number(enc));
  return r ? { record: r, via: 'encoding' } : undefined;
}

interface Memo {
  fields: Map<string, { record: FieldRecord; via: 'name' | 'encoding' } | null>;
  values: Map<string, { adjusted: boolean; constant: bigint | undefined }>;
}

let candidates: RegExp | undefined;

/**
 * Identifiers (with Rust paths) that start like a known alias or accessor name. The regex engine skips everything
 * else natively, which is several times faster than visiting each identifier from JavaScript.
 */
function candidatePattern(): RegExp {
  if (candidates) return candidates;
  const prefixes = new Set([...catalogue().aliasNames(), ...ACCESSORS.keys()].map((n) => n.slice(0, 3).replace(/[^A-Za-z0-9_]/g, '\\$&')));
  return (candidates = new RegExp(`(?<![A-Za-z0-9_])(?:${[...prefixes].join('|')})[A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*`, 'g'));
}

const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);

export function scanText(text: string): ScanResult {
  const code = codeOnly(text);
  let defs: Map<string, string> | undefined;
  let resolve: ((name: string) => bigint | undefined) | undefined;
  // The same field and value texts recur through a file: work each out once per scan.
  const memo: Memo = { fields: new Map(), values: new Map() };
  const cat = catalogue();
  const { max } = cat.aliasLengths;
  const references: ScanReference[] = [];
  const writes: ScanWrite[] = [];
  const refAt = new Set<number>();
  const n = code.length;
  const pattern = candidatePattern();
  pattern.lastIndex = 0;

  for (let m = pattern.exec(code); m; m = pattern.exec(code)) {
    const token = m[0];
    const start = m.index;
    const end = start + token.length;
    const path = token.includes('::');
    if (!path) {
      const record = token.length <= max ? cat.findExact(token) : undefined;
      if (record) {
        references.push({ start, end, record, text: token, via: 'name' });
        refAt.add(start);
        continue;
      }
    } else {
      const parts = token.split('::');
      for (let k = 0; k < parts.length; k++) {
        const name = parts.slice(k).join('::');
        const record = cat.findExact(name);
        if (record) {
          references.push({ start: end - name.length, end, record, text: name, via: 'name' });
          refAt.add(end - name.length);
          break;
        }
      }
    }
    const callee = path ? token.slice(token.lastIndexOf(':') + 1) : token;
    if (!ACCESSORS.has(callee)) continue;
    let open = end;
    while (open < n && isSpaceCode(code.charCodeAt(open))) open++;
    const before = code.charCodeAt(start - 1);
    if (code.charCodeAt(open) !== 40 || before === 46 || before === 62) continue; // "(" and not obj.f( or p->f(
    defs ??= defines(code);
    resolve ??= resolver(defs);
    const write = readCall(code, callee, open, defs, resolve, references, refAt, memo);
    if (write) writes.push(write);
  }
  let context: FileContext | undefined;
  return { references, writes, fileContext: () => (context ??= fileContext(code)) };
}

/** An accessor call at `open` (its "("): a reference for a raw encoding, and the write when it writes a value. */
function readCall(
  code: string,
  callee: string,
  open: number,
  defs: Map<string, string>,
  resolve: (name: string) => bigint | undefined,
  references: ScanReference[],
  refAt: Set<number>,
  memo: Memo,
): ScanWrite | undefined {
  const bounds = argBounds(code, open);
  if (!bounds) return undefined;
  const count = bounds.length - 1;
  const form = accessorForm(callee, count);
  if (!form || form.field >= count) return undefined;
  const fieldArg = argText(code, bounds, form.field);
  let field = memo.fields.get(fieldArg.text);
  if (field === undefined) memo.fields.set(fieldArg.text, (field = fieldOf(fieldArg.text, defs, resolve) ?? null));
  if (!field) return undefined;
  if (field.via === 'encoding' && !refAt.has(fieldArg.start)) {
    references.push({ start: fieldArg.start, end: fieldArg.end, record: field.record, text: fieldArg.text, via: 'encoding' });
    refAt.add(fieldArg.start);
  }
  if (form.value === undefined || form.value >= count) return undefined;
  const value = argText(code, bounds, form.value);
  let known = memo.values.get(value.text);
  if (!known) {
    const adjusted = value.text.includes('(') && [...value.text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].some((c) => ADJUST_HELPERS.has(c[1]));
    memo.values.set(value.text, (known = { adjusted, constant: adjusted ? undefined : evaluate(value.text, resolve) }));
  }
  const { adjusted, constant } = known;
  return { accessor: callee, record: field.record, field: fieldArg, value, adjusted, constant };
}

/** 0-based line and column of an offset, with a precomputed table of line starts. */
export function lineIndex(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - starts[lo] };
  };
}

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
  /** An adjust helper the file already calls, with its argument count. */
  adjustHelper?: { name: string; args: number };
  /** Variables holding a control's capability value (from hv_vmx_read_capability), by control. */
  capabilityVars: Map<ControlKey, string>;
}

// Comments, strings and char literals (a char literal is one character or one escape, so Rust lifetimes survive).
const NOISE = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[^\n]{1,9}?|[^'\\\n])'|`[^`]*`?/g;

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** The text with comments, strings and dead preprocessor branches replaced by spaces (same length, same lines). */
export function codeOnly(text: string): string {
  const cleaned = text.replace(NOISE, blank);
  if (!cleaned.includes('#')) return cleaned;
  // Preprocessor conditionals: a frame per #if; `constant` is 1 or 0 for `#if 1` / `#if 0`, else null (unknown: live).
  const frames: { live: boolean; constant: 0 | 1 | null }[] = [];
  const lines = cleaned.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const m = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b\s*(.*)$/.exec(lines[n]);
    const wasDead = frames.some((f) => !f.live);
    if (m) {
      const [, kw, rest] = m;
      const top = frames[frames.length - 1];
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        const c = kw === 'if' && /^(0|false)\s*$/.test(rest) ? 0 : kw === 'if' && /^(1|true)\s*$/.test(rest) ? 1 : null;
        frames.push({ live: c !== 0, constant: c });
      } else if (top && (kw === 'else' || kw === 'elif')) {
        // After a taken `#if 1` every later branch is dead; after `#if 0` the next branch is live (its condition unknown).
        top.live = top.constant !== 1;
        if (kw === 'elif' && top.constant === 0) top.constant = null;
      } else if (kw === 'endif') frames.pop();
    }
    if (wasDead || frames.some((f) => !f.live)) lines[n] = blank(lines[n]);
  }
  return lines.join('\n');
}

/** Object-like `#define NAME value` macros (with line continuations). */
function defines(code: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of code.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n\\]|\\\n?)*)$/gm)) out.set(m[1], m[2].replace(/\\\n/g, ' ').trim());
  return out;
}

/** Top-level arguments of the call whose `(` is at `open`; undefined if it does not close within a bound. */
function callArgs(code: string, open: number): (Span & { text: string })[] | undefined {
  const args: (Span & { text: string })[] = [];
  let depth = 0;
  let start = open + 1;
  const limit = Math.min(code.length, open + 8192);
  for (let i = open + 1; i < limit; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++; // ( [ {
    else if (c === 41 || c === 93 || c === 125) {
      if (depth === 0) {
        if (c !== 41) return undefined;
        const text = code.slice(start, i);
        if (text.trim() || args.length) args.push(trimmed(code, start, i));
        return args;
      }
      depth--;
    } else if (c === 44 && depth === 0) {
      args.push(trimmed(code, start, i));
      start = i + 1;
    } else if (c === 59 && depth === 0) return undefined; // ';' before ')': not a call we understand
  }
  return undefined;
}

function trimmed(code: string, start: number, end: number): Span & { text: string } {
  while (start < end && /\s/.test(code[start])) start++;
  while (end > start && /\s/.test(code[end - 1])) end--;
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
  const parts = arg.split('::');
  for (let i = 0; i < parts.length; i++) {
    const r = cat.findExact(parts.slice(i).join('::'));
    if (r) return { record: r, via: 'name' };
  }
  const enc = parseEncoding(arg.replace(/(?:u|l|ul|ull|ll)$/i, '')) ?? (/^\w+$/.test(arg) && defs.has(arg) ? evaluate(arg, resolve) : undefined);
  const r = enc === undefined ? undefined : cat.byEncodingNumber(Number(enc));
  return r ? { record: r, via: 'encoding' } : undefined;
}

let callPattern: RegExp | undefined;

export function scanText(text: string): ScanResult {
  const code = codeOnly(text);
  const defs = defines(code);
  const resolve = resolver(defs);
  const cat = catalogue();
  const references: ScanReference[] = [];
  const writes: ScanWrite[] = [];
  const refAt = new Set<number>();

  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*/g)) {
    const parts = m[0].split('::');
    for (let i = 0; i < parts.length; i++) {
      const name = i ? parts.slice(i).join('::') : m[0];
      const record = cat.findExact(name);
      if (record) {
        const start = m.index! + m[0].length - name.length;
        references.push({ start, end: m.index! + m[0].length, record, text: name, via: 'name' });
        refAt.add(start);
        break;
      }
    }
  }

  callPattern ??= new RegExp(`(?<![\\w.>])(?:[A-Za-z_]\\w*::)*(${[...ACCESSORS.keys()].join('|')})\\s*\\(`, 'g');
  callPattern.lastIndex = 0;
  for (const m of code.matchAll(callPattern)) {
    const open = m.index! + m[0].length - 1;
    const args = callArgs(code, open);
    if (!args) continue;
    const form = accessorForm(m[1], args.length);
    if (!form || !args[form.field]) continue;
    const fieldArg = args[form.field];
    const field = fieldOf(fieldArg.text, defs, resolve);
    if (!field) continue;
    if (field.via === 'encoding' && !refAt.has(fieldArg.start)) references.push({ start: fieldArg.start, end: fieldArg.end, record: field.record, text: fieldArg.text, via: 'encoding' });
    if (form.value === undefined || !args[form.value]) continue;
    const value = args[form.value];
    const adjusted = [...value.text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].some((c) => ADJUST_HELPERS.has(c[1]));
    const constant = adjusted ? undefined : evaluate(value.text, resolve);
    writes.push({ accessor: m[1], record: field.record, field: fieldArg, value, adjusted, ...(constant !== undefined ? { constant } : {}) });
  }
  references.sort((a, b) => a.start - b.start);

  let adjustHelper: ScanResult['adjustHelper'];
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
    const assigned = new RegExp(`\\b([A-Za-z_]\\w*)\\s*=[^;=]*\\b${capName}\\b`).exec(code) ?? new RegExp(`\\b${capName}\\s*,\\s*&\\s*([A-Za-z_]\\w*)`).exec(code);
    if (assigned) capabilityVars.set(control, assigned[1]);
  }
  return { references, writes, adjustHelper, capabilityVars };
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

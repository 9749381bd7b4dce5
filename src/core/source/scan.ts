// Finds VMCS references and constant writes in C, C++, Rust, Swift and Go source. The lexer (source-code.ts) marks
// comments, strings and `#if 0` blocks and finds the candidate names; everything here reads code through its marks.
import { ACCESSORS, ADJUST_HELPERS, type AccessorForm } from './accessors';
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { controlBitByAlias, HV_CAPS_BY_CONTROL, type ControlKey } from '../catalogue/controls';
import { parseEncoding } from '../catalogue/encoding';
import { evaluate } from './expr';
import { lexSource, namePattern, type SourceCode } from './lexer';

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

function fileContext(src: SourceCode): FileContext {
  const { code } = src;
  let adjustHelper: FileContext['adjustHelper'];
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (!ADJUST_HELPERS.has(m[1])) continue;
    const args = callArgs(src, m.index! + m[0].length - 1);
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

/** Object-like `#define NAME value` macros (with line continuations), from the lines where live ones start. */
function defines(src: SourceCode): Map<string, string> {
  const out = new Map<string, string>();
  const { text } = src;
  for (const line of src.defines) {
    let end = text.indexOf('\n', line);
    while (end > 0 && text.charCodeAt(end - (text.charCodeAt(end - 1) === 13 ? 2 : 1)) === 92) end = text.indexOf('\n', end + 1);
    const m = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n\\]|\\\r?\n?)*)$/m.exec(src.slice(line, end < 0 ? text.length : end));
    if (m) out.set(m[1], m[2].replace(/\\\r?\n/g, ' ').trim());
  }
  return out;
}

/**
 * Boundaries of the top-level arguments of the call whose `(` is at `open`: argument k spans
 * bounds[k] + 1 .. bounds[k + 1]. Undefined if the call does not close within a bound. Comments and strings inside
 * are stepped over. Only the arguments a caller asks for are sliced (argText), which keeps a scan of a file full of
 * calls light on allocation.
 */
function argBounds(src: SourceCode, open: number): number[] | undefined {
  const { text, excluded } = src;
  const bounds = [open];
  let depth = 0;
  let k = src.spanAfter(open);
  let skip = k < excluded.length ? excluded[k] : Infinity;
  const limit = Math.min(text.length, open + 8192);
  for (let i = open + 1; i < limit; i++) {
    if (i === skip) {
      i = excluded[k + 1] - 1;
      k += 2;
      skip = k < excluded.length ? excluded[k] : Infinity;
      continue;
    }
    const c = text.charCodeAt(i);
    const role = c < 128 ? PUNCTUATION[c] : 0;
    if (role === 0) continue;
    if (role === OPEN) depth++;
    else if (role === CLOSE) {
      if (depth === 0) {
        if (c !== 41) return undefined;
        bounds.push(i);
        // f() has no argument, f(a) one
        if (bounds.length === 2) {
          const only = argSpan(src, bounds, 0);
          if (only.start === only.end) return [open];
        }
        return bounds;
      }
      depth--;
    } else if (depth === 0) {
      if (role === COMMA) bounds.push(i);
      else return undefined; // ';' before ')': not a call we understand
    }
  }
  return undefined;
}

const OPEN = 1;
const CLOSE = 2;
const COMMA = 3;
const SEMICOLON = 4;
/** What a character does to a call's argument list. */
const PUNCTUATION = new Uint8Array(128);
for (const [chars, role] of [['([{', OPEN], [')]}', CLOSE], [',', COMMA], [';', SEMICOLON]] as const) for (const ch of chars) PUNCTUATION[ch.charCodeAt(0)] = role;

/** Argument k without the blanks, comments and strings around it. */
function argSpan(src: SourceCode, bounds: number[], k: number): Span {
  const { text, excluded } = src;
  let start = bounds[k] + 1;
  let end = bounds[k + 1];
  let s = src.spanAfter(start);
  for (; start < end; ) {
    if (s < excluded.length && excluded[s] === start) (start = excluded[s + 1]), (s += 2);
    else if (isSpaceCode(text.charCodeAt(start))) start++;
    else break;
  }
  // Spans inside the argument are blanked by argText; trailing ones and blanks are not part of it.
  let last = s;
  while (last + 2 < excluded.length && excluded[last + 2] < end) last += 2;
  while (end > start) {
    if (last >= s && last < excluded.length && excluded[last] < end && excluded[last + 1] >= end) (end = excluded[last]), (last -= 2);
    else if (isSpaceCode(text.charCodeAt(end - 1))) end--;
    else break;
  }
  return { start, end };
}

/** The code of an argument (comments and strings inside blanked). */
const argText = (src: SourceCode, span: Span) => src.slice(span.start, span.end);

/** Top-level arguments of the call whose `(` is at `open`. */
function callArgs(src: SourceCode, open: number): (Span & { text: string })[] | undefined {
  const bounds = argBounds(src, open);
  return bounds && Array.from({ length: bounds.length - 1 }, (_, k) => {
    const span = argSpan(src, bounds, k);
    return { ...span, text: argText(src, span) };
  });
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

type FieldRef = { record: FieldRecord; via: 'name' | 'encoding' };

/** A field argument: an alias (Rust paths by their longest known suffix), an encoding, or a #define of one. */
function fieldOf(arg: string, defs: Map<string, string>, resolve: (n: string) => bigint | undefined): FieldRef | undefined {
  const cat = catalogue();
  const direct = cat.findExact(arg);
  if (direct) return { record: direct, via: 'name' };
  for (const name of cat.pathSuffixes(arg)) {
    const r = cat.findExact(name);
    if (r) return { record: r, via: 'name' };
  }
  const enc = parseEncoding(arg.replace(/(?:u|l|ul|ull|ll)$/i, '')) ?? (/^\w+$/.test(arg) && defs.has(arg) ? evaluate(arg, resolve) : undefined);
  const r = enc === undefined ? undefined : cat.byEncodingNumber(Number(enc));
  return r ? { record: r, via: 'encoding' } : undefined;
}

/** What a known identifier stands for: a field (by name), an accessor (its call forms), or both. */
interface Known {
  field?: FieldRef;
  forms?: readonly AccessorForm[];
}

let pattern: RegExp | undefined;
let known: Map<string, Known> | undefined;

function names() {
  if (pattern && known) return { pattern, known };
  const cat = catalogue();
  known = new Map();
  for (const name of new Set([...cat.aliasNames(), ...ACCESSORS.keys()])) {
    const record = cat.findExact(name);
    known.set(name, { field: record && { record, via: 'name' }, forms: ACCESSORS.get(name) });
  }
  pattern = namePattern(known.keys());
  return { pattern, known };
}

const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);

export function scanText(text: string): ScanResult {
  const { pattern, known } = names();
  const src = lexSource(text, pattern);
  const { tokenStarts, tokens } = src;
  const references: ScanReference[] = [];
  const calls = new Calls(src, references);
  const n = text.length;

  let next = tokens.length ? known.get(tokens[0]) : undefined;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    const start = tokenStarts[t];
    const end = start + token.length;
    // The next token is often this call's field argument: look it up once for both.
    const info = next;
    next = t + 1 < tokens.length ? known.get(tokens[t + 1]) : undefined;
    let callee = token;
    let forms = info?.forms;
    if (info) {
      if (info.field) references.push({ start, end, record: info.field.record, text: token, via: 'name' });
      if (!forms) continue;
    } else {
      if (!token.includes('::')) continue;
      // A Rust path: its longest known suffix is the reference; its last part may be an accessor.
      const suffixes = catalogue().pathSuffixes(token);
      for (const name of suffixes) {
        const record = known.get(name)?.field?.record;
        if (record) {
          references.push({ start: end - name.length, end, record, text: name, via: 'name' });
          break;
        }
      }
      callee = suffixes[suffixes.length - 1];
      forms = ACCESSORS.get(callee);
      if (!forms) continue;
    }
    let open = end;
    while (open < n && isSpaceCode(text.charCodeAt(open))) open++;
    const before = text.charCodeAt(start - 1);
    if (text.charCodeAt(open) !== 40 || before === 46 || before === 62) continue; // "(" and not obj.f( or p->f(
    calls.read(callee, forms, open, next?.field, tokenStarts[t + 1], tokens[t + 1]?.length);
  }
  let context: FileContext | undefined;
  return { references, writes: calls.writes, fileContext: () => (context ??= fileContext(src)) };
}

/** Reads accessor calls for one scan. #defines are read on first need; field and value texts recurring through a file are worked out once. */
class Calls {
  readonly writes: ScanWrite[] = [];
  private defs: Map<string, string> | undefined;
  private resolve: ((name: string) => bigint | undefined) | undefined;
  private readonly fields = new Map<string, FieldRef | null>();
  private readonly values = new Map<string, { adjusted: boolean; constant: bigint | undefined }>();

  constructor(
    private readonly src: SourceCode,
    private readonly references: ScanReference[],
  ) {}

  /**
   * The call of `callee` whose "(" is at `open`: a reference when its field is a raw encoding, a write when it
   * writes a value. `nextField` is the field the next token names (at nextStart, nextLength long), reused when that
   * token is exactly the field argument.
   */
  read(callee: string, forms: readonly AccessorForm[], open: number, nextField: FieldRef | undefined, nextStart: number, nextLength: number): void {
    const { src } = this;
    const bounds = argBounds(src, open);
    const count = bounds ? bounds.length - 1 : -1;
    const form = forms.find((f) => f.args === count);
    if (!bounds || !form || form.field >= count) return;
    this.defs ??= defines(src);
    const resolve = (this.resolve ??= resolver(this.defs));
    const fieldArg = argSpan(src, bounds, form.field);
    let field: FieldRef | null | undefined;
    if (nextField && nextStart === fieldArg.start && nextLength === fieldArg.end - fieldArg.start) field = nextField;
    else {
      const arg = argText(src, fieldArg);
      field = this.fields.get(arg);
      if (field === undefined) this.fields.set(arg, (field = fieldOf(arg, this.defs, resolve) ?? null));
      // A raw encoding (or a #define of one) is a reference too; names were found by the lexer.
      if (field?.via === 'encoding') this.references.push({ start: fieldArg.start, end: fieldArg.end, record: field.record, text: arg, via: 'encoding' });
    }
    if (!field || form.value === undefined || form.value >= count) return;
    const valueArg = argSpan(src, bounds, form.value);
    const value = { start: valueArg.start, end: valueArg.end, text: argText(src, valueArg) };
    let worked = this.values.get(value.text);
    if (!worked) {
      const adjusted = value.text.includes('(') && [...value.text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].some((c) => ADJUST_HELPERS.has(c[1]));
      this.values.set(value.text, (worked = { adjusted, constant: adjusted ? undefined : evaluate(value.text, resolve) }));
    }
    this.writes.push({ accessor: callee, record: field.record, field: fieldArg, value, adjusted: worked.adjusted, constant: worked.constant });
  }
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

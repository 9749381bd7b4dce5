// Finds VMCS references and constant writes in C, C++, Rust, Swift and Go source. The lexer (lexer.ts) marks
// comments, strings and `#if 0` blocks and finds the candidate names; everything here reads code through its marks.
import { ADJUST_HELPERS, RECEIVERS, wrapperKind, type Accessor, type AccessorForm, type AccessorSpec } from './accessors';
import { catalogue, pickUse, type FieldRecord } from '../catalogue/catalogue';
import { bitNameOf, HV_CAPS_BY_CONTROL, type ControlKey } from '../catalogue/controls';
import { parseEncoding } from '../catalogue/encoding';
import { ANY_LANGUAGE } from '../catalogue/languages';
import { PARAMETRIC, parametricField } from '../catalogue/parametric';
import { evaluate } from './expr';
import { CODE, ENCODING, Found, MACRO, RAW, type Worked } from './found';
import { guardNames } from './guards';
import { lexSource, type SourceCode } from './lexer';
import { namesFor, PATH, usesIn, type FieldRef, type Known } from './names';

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
  /** In text order. */
  references: ScanReference[];
  writes: ScanWrite[];
  /** What a quick fix may reuse from the file; computed only when asked. */
  fileContext: () => FileContext;
  /** The identifiers in the conditions of the `if`s whose then-branch holds an offset (guards.ts). */
  guardsAt: (offset: number) => string[];
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

/**
 * Names the file gives constant values: object-like `#define NAME value` macros (with line continuations), then
 * enumerators with explicit values, C/C++ `const`/`constexpr` and Rust `const` items. A project's own enum of field
 * encodings is how most hypervisors name fields; the first definition of a name wins.
 */
function defines(src: SourceCode): Map<string, string> {
  const out = new Map<string, string>();
  const { text } = src;
  for (const line of src.defines) {
    let end = text.indexOf('\n', line);
    while (end > 0 && text.charCodeAt(end - (text.charCodeAt(end - 1) === 13 ? 2 : 1)) === 92) end = text.indexOf('\n', end + 1);
    const m = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n\\]|\\\r?\n?)*)$/m.exec(src.slice(line, end < 0 ? text.length : end));
    if (m && !out.has(m[1])) out.set(m[1], m[2].replace(/\\\r?\n/g, ' ').trim());
  }
  for (const at of src.items) {
    if (text.charCodeAt(at) === 101) {
      ENUM_BODY.lastIndex = at;
      const m = ENUM_BODY.exec(text);
      const bounds = m && argBounds(src, at + m[0].length - 1, 125, 1 << 20);
      for (let k = 0; bounds && k + 1 < bounds.length; k++) {
        const item = /^([A-Za-z_]\w*)\s*=\s*([\s\S]+)$/.exec(argText(src, argSpan(src, bounds, k)));
        if (item && !out.has(item[1])) out.set(item[1], item[2].trim());
      }
    } else {
      CONSTANT_ITEM.lastIndex = at;
      const m = CONSTANT_ITEM.exec(text);
      const name = m && (m[1] ?? m[3]);
      if (name && !out.has(name)) out.set(name, (m[2] ?? m[4] ?? m[5]).trim());
    }
  }
  return out;
}

/** `const NAME: T = v;` (Rust), `const T NAME = v;` and `constexpr auto NAME{v};` (C, C++). */
const CONSTANT_ITEM = /const\s+([A-Za-z_]\w*)\s*:\s*[\w:]+\s*=\s*([^;{}]+);|const(?:expr)?\s+(?:[\w<>]+(?:::[\w<>]+)*\s+)*?([A-Za-z_]\w*)\s*(?:=\s*([^;{}]+)|\{([^;{}]+)\})\s*;/y;
/** The `{` of an enum body: C `enum [class] [name] [: type] {`, Rust `enum Name {`. */
const ENUM_BODY = /enum\b(?:\s+(?:class|struct))?(?:\s+[A-Za-z_]\w*)?(?:\s*:\s*[\w: ]+)?\s*\{/y;

/**
 * Boundaries of the top-level arguments of the call whose `(` is at `open`: argument k spans
 * bounds[k] + 1 .. bounds[k + 1]. Undefined if the call does not close within a bound. Comments and strings inside
 * are stepped over. Only the arguments a caller asks for are sliced (argText), which keeps a scan of a file full of
 * calls light on allocation.
 */
function argBounds(src: SourceCode, open: number, close = 41, span = 8192): number[] | undefined {
  const { text, excluded } = src;
  const bounds = [open];
  let depth = 0;
  let k = src.spanAfter(open);
  // A `(` inside an excluded span (the end of a reviving #endif's line) is read on without stepping over spans.
  if (k < excluded.length && excluded[k] <= open) k = excluded.length;
  const limit = Math.min(text.length, open + span);
  for (let i = open + 1; ; i = excluded[k + 1], k += 2) {
    // Code runs from i to the next excluded span (or the limit); the span is stepped over whole.
    const stop = k < excluded.length && excluded[k] < limit ? excluded[k] : limit;
    for (; i < stop; i++) {
      const c = text.charCodeAt(i);
      const role = PUNCTUATION[c];
      if (role === 0) continue;
      if (role === OPEN) depth++;
      else if (role === CLOSE) {
        if (depth === 0) return c === close ? closed(src, bounds, i) : undefined;
        depth--;
      } else if (depth === 0) {
        if (role === COMMA) bounds.push(i);
        else return undefined; // ';' before ')': not a call we understand
      }
    }
    if (stop === limit) return undefined;
  }
}

/** The bounds of an argument list that closes at `end`. */
function closed(src: SourceCode, bounds: number[], end: number): number[] {
  const { text } = src;
  const open = bounds[0];
  bounds.push(end);
  // f() has no argument, f(a) one; a trailing comma (Rust, enums) ends the list without another argument
  let j = end - 1;
  while (j > open && isSpaceCode(text.charCodeAt(j))) j--;
  // only when the list ends in a comma or a comment, or is f( )
  if (bounds.length === 2 || text.charCodeAt(j) === 44 || text.charCodeAt(j) === 47) {
    const last = argSpan(src, bounds, bounds.length - 2);
    if (last.start === last.end) {
      if (bounds.length === 2) return [open];
      bounds.splice(bounds.length - 2, 1);
    }
  }
  return bounds;
}

const OPEN = 1;
const CLOSE = 2;
const COMMA = 3;
const SEMICOLON = 4;
/** What a character does to a call's argument list (a table of every UTF-16 code, so no range test per character). */
const PUNCTUATION = new Uint8Array(65536);
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

/** Names usable in constant values: #defines first, then control bits (not Linux's VMX_FEATURE_* word numbers). */
function resolver(defs: Map<string, string>, languages: number) {
  const seen = new Set<string>();
  const resolve = (name: string): bigint | undefined => {
    const body = defs.get(name);
    if (body === undefined) {
      const bit = /^VMX_FEATURE_|_SHIFT$/.test(name) ? undefined : bitNameOf(name, languages) ?? bitNameOf(name.split('::').pop()!, languages);
      if (!bit) return undefined;
      return bit.value === 'bit-number' ? BigInt(bit.bit.bit) : bit.value === 'one' ? 1n : 1n << BigInt(bit.bit.bit);
    }
    if (seen.has(name)) return undefined;
    seen.add(name);
    try {
      return evaluate(body, resolve);
    } finally {
      seen.delete(name);
    }
  };
  return resolve;
}

const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** After an object's name: its call's arguments, if any, `->` or `.`, and the member. */
const MEMBER_ACCESS = /(?:\s*\([^()\n]*\))?\s*(?:->|\.)\s*([A-Za-z_]\w*)/y;
const RECEIVER = /\s*\.\s*([A-Za-z_]\w*)\s*\(/y;

export interface ScanOptions {
  /** Language bit set (languagesOf); every language when absent. */
  languages?: number;
  /** A project's own accessors (vmcsInspector.accessors / --accessors). */
  accessors?: readonly AccessorSpec[];
}

export function scanText(text: string, options: ScanOptions = {}): ScanResult {
  const names = namesFor(options.accessors);
  const { pattern, known, accessors, list } = names;
  const languages = options.languages ?? ANY_LANGUAGE;
  const receivers = (languages & RECEIVERS.languages) !== 0;
  const src = lexSource(text, pattern, names.keep);
  const { tokenStarts, tokenEnds, tokens } = src;
  const found = new Found(src);
  const calls = new Calls(src, found, languages, known);
  const n = text.length;
  const cat = catalogue();

  for (let t = 0; t < tokens.length; t++) {
    const id = tokens[t];
    const info = list[id];
    const start = tokenStarts[t];
    const end = tokenEnds[t];
    if (info.object) {
      // `vmcs12->guest_cr0`, `get_vmcs12(vcpu)->guest_cr0`: a member of an object whose members are fields
      MEMBER_ACCESS.lastIndex = end;
      const m = MEMBER_ACCESS.exec(text);
      const use = m ? pickUse(known.get(m[1])?.uses ?? [], languages, 'member') : undefined;
      if (use?.memberOf?.includes(info.name)) found.reference(MEMBER_ACCESS.lastIndex - m![1].length, MEMBER_ACCESS.lastIndex, use.record, RAW);
      continue;
    }
    const before = text.charCodeAt(start - 1);
    const member = before === 46 || (before === 62 && text.charCodeAt(start - 2) === 45); // after . or ->
    let record: FieldRecord | undefined;
    let argumentOnly = false;
    let accessor = info.accessor;
    let token = info.name;
    let callee = token;
    if (id !== PATH) {
      if (info.uses) {
        usesIn(info, languages);
        record = member ? undefined : info.anywhere;
        if (record) found.reference(start, end, record, RAW);
        else argumentOnly = !member && info.arg !== null;
      }
      if (info.macro && info.macro.languages & languages) calls.macro(start, end);
      if (accessor && member && !accessor.method) accessor = undefined;
    } else {
      // A Rust or C++ path: its longest known suffix is the reference (a path segment may be an argument-only
      // name); `field::set`-style paths name the field before their last segment. Its last part may be an accessor.
      token = text.slice(start, end);
      const suffixes = cat.pathSuffixes(token);
      const head = token.slice(0, token.lastIndexOf('::'));
      for (const [path, names] of [[token, suffixes], [head, cat.pathSuffixes(head)]] as const) {
        for (const name of names) {
          const uses = known.get(name)?.uses;
          record = uses && pickUse(uses, languages, 'argument')?.record;
          if (!record) continue;
          const at = start + path.length - name.length;
          found.reference(at, at + name.length, record, RAW);
          break;
        }
        if (record) break;
      }
      callee = suffixes[suffixes.length - 1];
      accessor = accessors.get(callee);
    }
    if (accessor) {
      let open = end;
      while (open < n && isSpaceCode(text.charCodeAt(open))) open++;
      const nextId = tokens[t + 1]; // undefined after the last
      if (text.charCodeAt(open) === 40) calls.read(callee, accessor, open, tokenStarts[t + 1], tokenEnds[t + 1], nextId ? list[nextId] : undefined);
      continue;
    }
    if (!record && !argumentOnly) continue;
    if (receivers && calls.receiver(record, token, start, end)) continue;
    if (start !== calls.lastField) calls.wrapped(token, start, end, record === undefined);
  }
  let references: ScanReference[] | undefined;
  let writes: ScanWrite[] | undefined;
  let context: FileContext | undefined;
  return {
    get references() {
      return (references ??= found.references());
    },
    get writes() {
      return (writes ??= found.writes());
    },
    fileContext: () => (context ??= fileContext(src)),
    guardsAt: (offset) => guardNames(src.code, offset),
  };
}

/** Reads accessor calls for one scan. #defines are read on first need; field and value texts recurring through a file are worked out once. */
class Calls {
  /** Where the field argument of the last call read starts (its token needs no second look). */
  lastField = -1;
  private defs: Map<string, string> | undefined;
  private resolveName: ((name: string) => bigint | undefined) | undefined;
  private readonly fields = new Map<string, FieldRef | null>();
  private readonly values = new Map<string, Worked>();

  constructor(
    private readonly src: SourceCode,
    private readonly found: Found,
    private readonly languages: number,
    private readonly known: ReadonlyMap<string, Known>,
  ) {}

  private get resolve() {
    this.defs ??= defines(this.src);
    return (this.resolveName ??= resolver(this.defs, this.languages));
  }

  /**
   * The call of `callee` whose "(" is at `open`: a reference when its field is a raw encoding or an argument-only
   * name, a write when it writes a value. The next token (nextStart to nextEnd; `next` unless it is a path) is often
   * exactly the field argument, so its text needs no slicing.
   */
  read(callee: string, accessor: Accessor, open: number, nextStart: number, nextEnd: number, next: Known | undefined): void {
    const { src } = this;
    const bounds = argBounds(src, open);
    const count = bounds ? bounds.length - 1 : -1;
    let field: FieldRef | null = null;
    let form: AccessorForm | undefined;
    let fieldArg: Span | undefined;
    for (const f of accessor.forms) {
      if (f.args !== count || f.field >= count) continue;
      const span = argSpan(src, bounds!, f.field);
      const isNext = next !== undefined && nextStart === span.start && nextEnd === span.end;
      field = (isNext && next.uses ? usesIn(next, this.languages).arg! : null) ?? this.fieldOf(isNext ? next.name : argText(src, span));
      if (field) {
        form = f;
        fieldArg = span;
        break;
      }
    }
    if (!field || !form || !fieldArg) return;
    this.lastField = fieldArg.start;
    if (!field.counted) this.found.reference(fieldArg.start, fieldArg.end, field.record, field.via === 'encoding' ? CODE | ENCODING : CODE);
    if (accessor.virtual || form.value === undefined || form.value >= count) return;
    this.write(callee, field.record, fieldArg.start, fieldArg.end, argSpan(src, bounds!, form.value));
  }

  /** `FIELD.write(v)` (Rust receiver form): a write of its one argument. */
  receiver(record: FieldRecord | undefined, token: string, start: number, end: number): boolean {
    const { text } = this.src;
    RECEIVER.lastIndex = end;
    const m = RECEIVER.exec(text);
    const method = m && RECEIVERS.methods.get(m[1]);
    if (!method) return false;
    const field = record ?? this.fieldOf(token)?.record;
    if (!field) return false;
    if (!record) this.found.reference(start, end, field, RAW);
    const bounds = argBounds(this.src, RECEIVER.lastIndex - 1);
    if (method.value !== undefined && bounds && bounds.length - 1 === method.args) this.write(`${token}.${m[1]}`, field, start, end, argSpan(this.src, bounds, method.value));
    return true;
  }

  /**
   * A field name as an argument of an unknown function named like a VMCS accessor (`MyVmWrite(FIELD, v)`,
   * `write_vmcs(vcpu, FIELD, v)`): the field is the first or second argument; a write's value is the one after it,
   * when it is the last.
   */
  wrapped(token: string, start: number, end: number, argumentOnly: boolean): void {
    const { src } = this;
    const { text } = src;
    let i = start - 1;
    while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
    let index = 0;
    if (text.charCodeAt(i) === 44) {
      // one simple argument before: `vcpu, ` or `&vmx->vmcs, `
      i--;
      while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
      while (i >= 0 && /[\w.&*>\-]/.test(text[i]) && !(text[i] === '-' && text[i + 1] !== '>')) i--;
      while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
      index = 1;
    }
    if (text.charCodeAt(i) !== 40) return;
    const open = i;
    i--;
    while (i >= 0 && isSpaceCode(text.charCodeAt(i))) i--;
    const nameEnd = i + 1;
    while (i >= 0 && /\w/.test(text[i])) i--;
    const callee = text.slice(i + 1, nameEnd);
    const kind = /^[A-Za-z_]/.test(callee) ? wrapperKind(callee) : undefined;
    if (!kind || this.known.get(callee)?.accessor) return;
    const bounds = argBounds(src, open);
    if (!bounds) return;
    const fieldArg = argSpan(src, bounds, index);
    if (fieldArg.start !== start || fieldArg.end !== end) return;
    const field = argumentOnly ? this.fieldOf(token) : undefined;
    if (argumentOnly) {
      if (!field) return;
      this.found.reference(start, end, field.record, RAW);
    }
    const record = field?.record ?? this.fieldOf(token)?.record;
    if (kind === 'write' && record && bounds.length - 1 === index + 2) this.write(callee, record, start, end, argSpan(src, bounds, index + 1));
  }

  /** `MACRO(arg)` naming a field (Xen's GUEST_SEG_SELECTOR(x86_seg_cs)): a reference over the whole call. */
  macro(start: number, end: number): void {
    const { src } = this;
    let open = end;
    while (open < src.text.length && isSpaceCode(src.text.charCodeAt(open))) open++;
    if (src.text.charCodeAt(open) !== 40) return;
    const bounds = argBounds(src, open);
    if (!bounds || bounds.length !== 2) return;
    const close = bounds[1] + 1;
    const field = this.fieldOf(src.slice(start, close));
    if (field) this.found.reference(start, close, field.record, MACRO);
  }

  /** A field argument: a name (Rust/C++ paths by their longest known suffix), a parametric macro call, an encoding, or a #define of one. */
  fieldOf(arg: string): FieldRef | null {
    let found = this.fields.get(arg);
    if (found !== undefined) return found;
    found = null;
    const cat = catalogue();
    const uses = cat.usesOf(arg);
    const byName = uses && pickUse(uses, this.languages, 'argument');
    if (byName) found = { record: byName.record, via: 'name', counted: pickUse(uses, this.languages, 'anywhere') !== undefined };
    else if (arg.includes('::')) {
      for (const name of cat.pathSuffixes(arg)) {
        const r = cat.findExact(name, this.languages, 'argument');
        if (r) {
          found = { record: r, via: 'name', counted: true };
          break;
        }
      }
    }
    const call = found ? null : /^([A-Za-z_]\w*)\s*\(\s*([^()]*?)\s*\)$/.exec(arg);
    const macro = call && PARAMETRIC.get(call[1]);
    if (macro && macro.languages & this.languages) {
      const r = parametricField(macro, call![2], (t) => evaluate(t, this.resolve), (t) => this.fieldOf(t)?.record);
      if (r) found = { record: r, via: 'name', counted: true };
    }
    // NAME_HIGH of a 64-bit field NAME: its high half (HyperDbg's VMCS_GUEST_DEBUGCTL_HIGH beside ia32-doc's names).
    const high = !found && !call && arg.endsWith('_HIGH') ? cat.findExact(arg.slice(0, -5), this.languages, 'argument') : undefined;
    if (high && high.width === '64' && high.access === 'full') found = { record: cat.byEncodingNumber(high.encoding + 1)!, via: 'name', counted: false };
    if (!found && !call) {
      const resolve = this.resolve;
      const enc = parseEncoding(arg.replace(/(?:u|l|ul|ull|ll)$/i, '')) ?? (/^\w+$/.test(arg) && this.defs!.has(arg) ? evaluate(arg, resolve) : undefined);
      const r = enc === undefined ? undefined : cat.byEncodingNumber(Number(enc));
      if (r) found = { record: r, via: 'encoding', counted: false };
    }
    this.fields.set(arg, found);
    return found;
  }

  private write(accessor: string, record: FieldRecord, fieldStart: number, fieldEnd: number, valueArg: Span): void {
    const text = argText(this.src, valueArg);
    let worked = this.values.get(text);
    if (!worked) {
      const adjusted = text.includes('(') && [...text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].some((c) => ADJUST_HELPERS.has(c[1]));
      this.values.set(text, (worked = { text, adjusted, constant: adjusted ? undefined : evaluate(text, this.resolve) }));
    }
    this.found.write(accessor, record, fieldStart, fieldEnd, valueArg.start, valueArg.end, worked);
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

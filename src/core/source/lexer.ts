// C-family source (C, C++, Rust, Swift, Go) as code: where comments, strings, char literals and dead `#if 0` branches
// are, and where identifiers that may be names of interest stand. One native regex pass finds all of them, so a scan
// never walks a file character by character in JavaScript; later steps read the text through the excluded spans.
import { Ints } from './ints';

// Comments, strings and char literals (a char literal is one character or one short escape, so Rust lifetimes stay code).
const NOISE = String.raw`\/(?:\/[^\n]*|\*[\s\S]*?(?:\*\/|$))|"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[^\n]{1,9}?|[^'\\\n])'|` + '`[^`]*`?';
const DIRECTIVE = /[ \t]*(if|ifdef|ifndef|elif|else|endif|define)\b[ \t]*/y;

/** What a scan looks for, besides noise and directives. */
export interface NameSet {
  /** Names that may stand anywhere: matched by their first three characters (or first `::` segment), then read whole. */
  prefixed: Iterable<string>;
  /** Accessors and macros, matched by their whole names. */
  words: Iterable<string>;
  /** Objects whose members are fields (`vmcs12`, `get_vmcs12`), matched by their whole names. */
  members: Iterable<string>;
}

/**
 * A pattern for one pass over a text: noise, `#`, and identifiers (with Rust
 * and C++ paths) that start like one of the names. Matching on short prefixes (as a trie, which the regex engine
 * walks without backtracking) lets it skip every other identifier natively; a path is matched by its whole first
 * segment (`mk::`, `intel_x64::`) and an accessor or object by its whole name, so that common words (`int`, `mk`, `vmx`) are
 * skipped too. The trie stays small (names by three characters) because a large one would not compile natively.
 */
export function namePattern(names: NameSet): RegExp {
  // `const` and `enum` start the file's own constants (read later, only where they stand): whole words in the trie.
  // Accessors and macros, which count only whole, are whole entries too (`int` must not pass for `intrinsic_vmrd64`).
  const starts: string[] = ['const', 'enum', ...names.words, ...names.members];
  for (const n of names.prefixed) {
    const sep = n.indexOf('::');
    starts.push(sep < 0 ? n.slice(0, 3) : n.slice(0, sep + 2));
  }
  const alternatives = [NOISE, '#'];
  const prefixes = trie(starts);
  if (prefixes) alternatives.push(`\\b${prefixes}\\w*(?:::[A-Za-z_]\\w*)*`);
  return new RegExp(alternatives.join('|'), 'g');
}

/** A regex source matching exactly the given words, factored on common prefixes. */
function trie(words: string[]): string {
  interface Node {
    next: Map<string, Node>;
    end: boolean;
  }
  const root: Node = { next: new Map(), end: false };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      if (!node.next.has(ch)) node.next.set(ch, { next: new Map(), end: false });
      node = node.next.get(ch)!;
    }
    node.end = true;
  }
  const emit = (node: Node): string => {
    const alts = [...node.next].map(([ch, child]) => ch.replace(/[^A-Za-z0-9_]/g, '\\$&') + emit(child));
    if (!alts.length) return '';
    const group = alts.length > 1 || node.end ? `(?:${alts.join('|')})` : alts[0];
    return node.end ? `${group}?` : group;
  };
  return emit(root);
}

const NO_NAMES = namePattern({ prefixed: [], words: [], members: [] });

export class SourceCode {
  private whole: string | undefined;
  // spanAfter is asked about increasing offsets during a scan: walk on from the last answer instead of searching.
  private cursor = 0;
  private cursorPos = 0;

  constructor(
    readonly text: string,
    /** Sorted, disjoint [start, end) pairs, flattened: comments, strings, char literals and dead branches. */
    readonly excluded: number[],
    /**
     * Identifiers that start like a name of interest, in live code, in order (paths a::b whole): where they start
     * and end, and the number `keep` gave them (no text: most are read from what that number stands for).
     */
    readonly tokenStarts: Int32Array,
    readonly tokenEnds: Int32Array,
    readonly tokens: Int32Array,
    /** Where the lines of live `#define` directives start. */
    readonly defines: number[],
    /** Where live `const`, `constexpr` and `enum` keywords stand. */
    readonly items: number[] = [],
  ) {}

  /** The whole text with the excluded spans replaced by spaces (same length, same lines). */
  get code(): string {
    return (this.whole ??= blanked(this.text, this.excluded, 0, this.text.length));
  }

  /** text[start, end) with the excluded spans replaced by spaces. */
  slice(start: number, end: number): string {
    const k = this.spanAfter(start);
    return k < this.excluded.length && this.excluded[k] < end ? blanked(this.text, this.excluded, start, end) : this.text.slice(start, end);
  }

  /** Offset into `excluded` of the first span that ends after `pos` (excluded.length if none). */
  spanAfter(pos: number): number {
    const spans = this.excluded;
    let k = this.cursor;
    if (pos >= this.cursorPos) while (k < spans.length && spans[k + 1] <= pos) k += 2;
    else k = firstAfter(spans, pos);
    this.cursor = k;
    this.cursorPos = pos;
    return k;
  }
}

/** The text with comments, strings, char literals and dead preprocessor branches replaced by spaces. */
export function codeOnly(text: string): string {
  return lexSource(text).code;
}

/**
 * `keep` numbers the candidate tokens the caller wants (most identifiers the name filter lets through are no names:
 * -1): the others are dropped as they come, so a large file does not hold them all.
 */
export function lexSource(text: string, pattern: RegExp = NO_NAMES, keep: (token: string) => number = () => 0): SourceCode {
  // Sorted and disjoint: a span that starts inside the last one (a comment running on past a reviving #endif's line)
  // extends it.
  const excluded: number[] = [];
  const exclude = (start: number, end: number) => {
    const last = excluded.length - 1;
    if (last > 0 && start <= excluded[last]) excluded[last] = Math.max(excluded[last], end);
    else excluded.push(start, end);
  };
  // A dead stretch from deadFrom to `end` replaces everything excluded since it began (all of that lies inside it).
  const excludeDead = (end: number) => {
    while (excluded.length && excluded[excluded.length - 2] >= deadFrom) excluded.length -= 2;
    exclude(deadFrom, end);
  };
  const branches = new Branches();
  let deadFrom = -1; // where the dead stretch began, while in one
  let liveFrom = 0; // the end of the last dead stretch: the rest of a reviving directive's line is dead too
  const defines: number[] = [];
  const items: number[] = [];
  const tokenStarts = new Ints();
  const tokenEnds = new Ints();
  const tokens = new Ints();
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const token = m[0];
    const at = m.index;
    const c = token.charCodeAt(0);
    if (c === 47 || c === 34 || c === 39 || c === 96) exclude(at, at + token.length);
    else if (c !== 35) {
      if (deadFrom >= 0 || at < liveFrom) continue;
      if (token === 'const' || token === 'enum' || token === 'constexpr') items.push(at);
      else {
        const kept = keep(token);
        if (kept >= 0) tokenStarts.push(at), tokenEnds.push(at + token.length), tokens.push(kept);
      }
    } else {
      DIRECTIVE.lastIndex = at + 1;
      const d = DIRECTIVE.exec(text);
      const line = d ? lineStartIfBlank(text, at, excluded) : undefined;
      if (!d || line === undefined) continue;
      const keyword = d[1];
      const rest = DIRECTIVE.lastIndex;
      if (keyword === 'define') {
        if (deadFrom < 0) defines.push(line);
        continue;
      }
      const end = lineEnd(text, rest);
      const wasDead = branches.dead;
      branches.apply(keyword, keyword === 'if' ? text.slice(rest, end).replace(NOISE_IN_LINE, blank) : '');
      if (!wasDead && branches.dead) deadFrom = line;
      if (wasDead && !branches.dead) {
        excludeDead(end);
        deadFrom = -1;
        liveFrom = end;
      }
    }
  }
  if (deadFrom >= 0) excludeDead(text.length);
  const view = (ints: Ints) => ints.data.subarray(0, ints.length);
  return new SourceCode(text, excluded, view(tokenStarts), view(tokenEnds), view(tokens), defines, items);
}

const NOISE_IN_LINE = new RegExp(NOISE, 'g');
const blank = (s: string) => ' '.repeat(s.length);

/**
 * Whether code is live in nested preprocessor conditionals. A frame per #if; `constant` is 1 or 0 for `#if 1` /
 * `#if 0`, else null (unknown: live). Dead frames are counted, so deep nesting stays linear.
 */
class Branches {
  private readonly frames: { live: boolean; constant: 0 | 1 | null }[] = [];
  private deadFrames = 0;

  get dead(): boolean {
    return this.deadFrames > 0;
  }

  apply(keyword: string, condition: string): void {
    const top = this.frames[this.frames.length - 1];
    if (keyword === 'if' || keyword === 'ifdef' || keyword === 'ifndef') {
      const c = /^(0|false)\s*$/.test(condition) ? 0 : /^(1|true)\s*$/.test(condition) ? 1 : null;
      this.frames.push({ live: c !== 0, constant: c });
      if (c === 0) this.deadFrames++;
    } else if (top && (keyword === 'else' || keyword === 'elif')) {
      // After a taken `#if 1` every later branch is dead; after `#if 0` the next branch is live (its condition unknown).
      const live = top.constant !== 1;
      this.deadFrames += Number(top.live) - Number(live);
      top.live = live;
      if (keyword === 'elif' && top.constant === 0) top.constant = null;
    } else if (keyword === 'endif' && top) {
      this.frames.pop();
      if (!top.live) this.deadFrames--;
    }
  }
}

/**
 * The start of the line of the `#` at `at` if only blanks and excluded spans precede it there (a directive), else
 * undefined. Comments count as blanks because the preprocessor replaces them by a space before it reads directives.
 */
function lineStartIfBlank(text: string, at: number, noise: number[]): number | undefined {
  let k = noise.length - 2;
  for (let i = at - 1; ; i--) {
    if (i < 0) return 0;
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 32 || c === 9) continue;
    while (k >= 0 && noise[k] > i) k -= 2;
    if (k < 0 || noise[k + 1] !== i + 1) return undefined;
    const span = text.slice(noise[k], i + 1);
    if (span.includes('\n')) return noise[k] + span.lastIndexOf('\n') + 1; // a comment over several lines ends here
    i = noise[k];
  }
}

const lineEnd = (text: string, from: number) => {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
};

/** Offset in sorted, disjoint flat pairs of the first pair that ends after `pos`. */
function firstAfter(spans: number[], pos: number): number {
  let lo = 0;
  let hi = spans.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid + 1] <= pos) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

/** text[start, end) with the given sorted flat pairs replaced by spaces (newlines kept). */
function blanked(text: string, spans: number[], start: number, end: number): string {
  const parts: string[] = [];
  let pos = start;
  for (let k = firstAfter(spans, start); k < spans.length && spans[k] < end; k += 2) {
    const s = Math.max(spans[k], pos);
    const e = Math.min(spans[k + 1], end);
    parts.push(text.slice(pos, s));
    const piece = text.slice(s, e);
    parts.push(piece.includes('\n') ? piece.replace(/[^\n]/g, ' ') : ' '.repeat(e - s));
    pos = e;
  }
  parts.push(text.slice(pos, end));
  return parts.join('');
}

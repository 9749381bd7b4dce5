// The run-time tests a statement sits behind: the conditions of the `if`s whose then-branch holds it. Real code sets an
// optional control bit only where the CPU reports it (`if (ctrl_cpu_rev[1].clr & CPU_VINTD) vmcs_write(…)`), so a
// write that a CPU rejects is no failure there when a condition around it tests that very bit.

const IDENT = /[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*/g;

/**
 * The identifiers in the conditions of the `if`s (then-branches, with or without braces) around `pos` within its
 * function, innermost first, each once. `code` is the text with comments and strings blanked.
 */
export function guardNames(code: string, pos: number): string[] {
  const names = new Set<string>();
  const add = (condition: string) => {
    for (const name of condition.match(IDENT) ?? []) names.add(name);
  };
  let at = statementStart(code, pos);
  for (;;) {
    // A brace-less `if (c) statement;` (or `else if`): the statement begins with the test.
    const cond = leadingCondition(code, at, pos);
    if (cond) add(cond);
    const open = unmatchedBrace(code, at);
    if (open < 0) return [...names];
    const head = blockHead(code, open);
    if (head === 'function') return [...names];
    if (head) add(head);
    at = statementStart(code, open);
    pos = open;
  }
}

/** After the last `;`, `{` or `}` before pos at the same nesting (parentheses counted). */
function statementStart(code: string, pos: number): number {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    const c = code[i];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') depth--;
    else if (depth <= 0 && (c === ';' || c === '{' || c === '}')) return i + 1;
  }
  return 0;
}

/** The condition of an `if (…)` that starts the statement text[from, pos), the statement at pos being its body. */
function leadingCondition(code: string, from: number, pos: number): string | undefined {
  const m = /^\s*(?:else\s+)?if\s*\(/.exec(code.slice(from, pos));
  if (!m) return undefined;
  const open = from + m[0].length - 1;
  const close = matching(code, open);
  return close > 0 && close < pos ? code.slice(open + 1, close) : undefined;
}

/** The `{` that opens the block holding pos (-1 if none). */
function unmatchedBrace(code: string, pos: number): number {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    const c = code[i];
    if (c === '}') depth++;
    else if (c === '{' && depth-- === 0) return i;
  }
  return -1;
}

/** What opens a block: an `if`'s condition, 'function' for a function body, '' for anything else (else, loops, …). */
function blockHead(code: string, open: number): string {
  let i = open - 1;
  while (i >= 0 && /\s/.test(code[i])) i--;
  if (code[i] !== ')') return /\b(?:else|do)$/.test(code.slice(Math.max(0, i - 5), i + 1)) || code[i] === '=' || code[i] === ',' ? '' : 'function';
  let depth = 0;
  let j = i;
  for (; j >= 0; j--) {
    if (code[j] === ')') depth++;
    else if (code[j] === '(' && --depth === 0) break;
  }
  const keyword = /(\w+)\s*$/.exec(code.slice(Math.max(0, j - 40), j))?.[1];
  if (keyword === 'if') return code.slice(j + 1, i);
  return keyword === 'while' || keyword === 'for' || keyword === 'switch' ? '' : 'function';
}

function matching(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

// Evaluates C/Rust integer constant expressions as written in hypervisor code: literals, | & ^ ~ << >> + - * / %,
// parentheses, casts to unsigned types, BIT(n), and names the caller can resolve (control bits, #defines).
// Results are unsigned 64-bit (BigInt mod 2^64). Anything else makes the expression "not constant" (undefined).
import { MASK64 } from '../catalogue/hex';

export type Resolve = (name: string) => bigint | undefined;

const TYPE_BITS: Readonly<Record<string, number>> = {
  u8: 8, u16: 16, u32: 32, u64: 64, usize: 64, uint8_t: 8, uint16_t: 16, uint32_t: 32, uint64_t: 64, uintptr_t: 64,
  unsigned: 32, 'unsigned int': 32, 'unsigned long': 64, 'unsigned long long': 64, int: 32, long: 64, 'long long': 64,
  UINT8: 8, UINT16: 16, UINT32: 32, UINT64: 64, uint32: 32, uint64: 64, mword: 64, size_t: 64,
};

/** Function-like macros that make a single bit. */
const BIT_MACROS = new Set(['BIT', 'BIT_ULL', 'BIT64', '_BITUL', '_BITULL', 'RT_BIT', 'RT_BIT_32', 'RT_BIT_64']);

const TOKEN = /\s*(?:(0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9][0-9_]*)(_?(?:u|i)(?:8|16|32|64|size)|[uUlL]*)?|([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)|(<<|>>|[()|&^~+\-*/%!,]))/y;

type Tok = { kind: 'num'; value: bigint } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

function tokenize(text: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  const end = text.replace(/\s+$/, '').length;
  while (i < end) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m || m.index !== i) return undefined;
    i = TOKEN.lastIndex;
    if (m[1] !== undefined) {
      const digits = m[1].replace(/_/g, '');
      const value = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
      out.push({ kind: 'num', value });
    } else if (m[3] !== undefined) out.push({ kind: 'id', name: m[3] });
    else out.push({ kind: 'op', op: m[4] });
  }
  return out;
}

const BINARY: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly resolve: Resolve,
  ) {}

  parse(): bigint | undefined {
    const v = this.binary(0);
    return v !== undefined && this.i === this.toks.length ? v : undefined;
  }

  private peekOp(): string | undefined {
    const t = this.toks[this.i];
    return t?.kind === 'op' ? t.op : undefined;
  }

  private binary(level: number): bigint | undefined {
    if (level === BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    while (left !== undefined) {
      const op = this.peekOp();
      if (!op || !BINARY[level].includes(op)) break;
      this.i++;
      const right = this.binary(level + 1);
      if (right === undefined) return undefined;
      left = apply(op, left, right);
    }
    return left;
  }

  private unary(): bigint | undefined {
    if (++this.depth > 200) return undefined; // pathological nesting: not a constant we evaluate
    try {
      const op = this.peekOp();
      if (op === '~' || op === '-' || op === '+' || op === '!') {
        this.i++;
        const v = this.unary();
        if (v === undefined) return undefined;
        return op === '~' ? ~v & MASK64 : op === '-' ? -v & MASK64 : op === '!' ? (v === 0n ? 1n : 0n) : v;
      }
      const cast = this.castBits();
      if (cast !== undefined) {
        const v = this.unary();
        return v === undefined ? undefined : v & ((1n << BigInt(cast)) - 1n);
      }
      return this.postfix(this.primary());
    } finally {
      this.depth--;
    }
  }

  /** `(u32)` or `(unsigned long)` before an operand: the width it truncates to. */
  private castBits(): number | undefined {
    if (this.peekOp() !== '(') return undefined;
    const names: string[] = [];
    let j = this.i + 1;
    while (this.toks[j]?.kind === 'id') names.push((this.toks[j++] as { name: string }).name);
    const close = this.toks[j];
    if (!names.length || close?.kind !== 'op' || close.op !== ')') return undefined;
    const bits = TYPE_BITS[names.join(' ')];
    if (bits === undefined) return undefined;
    this.i = j + 1;
    return bits;
  }

  /** Rust `expr as u32`. */
  private postfix(v: bigint | undefined): bigint | undefined {
    while (v !== undefined) {
      const t = this.toks[this.i];
      const ty = this.toks[this.i + 1];
      if (t?.kind !== 'id' || t.name !== 'as' || ty?.kind !== 'id' || TYPE_BITS[ty.name] === undefined) break;
      this.i += 2;
      v &= (1n << BigInt(TYPE_BITS[ty.name])) - 1n;
    }
    return v;
  }

  private primary(): bigint | undefined {
    const t = this.toks[this.i++];
    if (!t) return undefined;
    if (t.kind === 'num') return t.value & MASK64;
    if (t.kind === 'op') {
      if (t.op !== '(') return undefined;
      const v = this.binary(0);
      if (this.peekOp() !== ')') return undefined;
      this.i++;
      return v;
    }
    if (BIT_MACROS.has(t.name) && this.peekOp() === '(') {
      this.i++;
      const n = this.binary(0);
      if (n === undefined || this.peekOp() !== ')' || n > 63n) return undefined;
      this.i++;
      return 1n << n;
    }
    return this.resolve(t.name);
  }
}

const OPERATORS: Readonly<Record<string, (a: bigint, b: bigint) => bigint | undefined>> = {
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
  '&': (a, b) => a & b,
  '<<': (a, b) => (b > 63n ? undefined : (a << b) & MASK64),
  '>>': (a, b) => (b > 63n ? undefined : a >> b),
  '+': (a, b) => (a + b) & MASK64,
  '-': (a, b) => (a - b) & MASK64,
  '*': (a, b) => (a * b) & MASK64,
  '/': (a, b) => (b === 0n ? undefined : a / b),
  '%': (a, b) => (b === 0n ? undefined : a % b),
};

const apply = (op: string, a: bigint, b: bigint) => OPERATORS[op](a, b);

/** The value of a constant expression, or undefined when it is not one we can evaluate. */
export function evaluate(text: string, resolve: Resolve): bigint | undefined {
  if (text.length > 4096) return undefined;
  const toks = tokenize(text);
  return toks?.length ? new Parser(toks, resolve).parse() : undefined;
}

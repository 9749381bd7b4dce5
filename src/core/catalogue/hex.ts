// 64-bit quantities are BigInt everywhere; these helpers are the only place that turns them into text and back.

export const MASK64 = (1n << 64n) - 1n;

const HEX64 = /^0x[0-9a-f]{1,16}$/i;

/** Strict parser for the `"0x…"` strings of snapshot files: hex only, at most 64 bits. */
export function parseHex64(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !HEX64.test(text)) return undefined;
  return BigInt(text);
}

export type ParsedInteger = { value: bigint } | { error: string };

/** Lenient parser for values typed by people: 0x hex, 0b binary, decimal, `_` separators and C suffixes (u, l, ul, ull). */
export function parseInteger(text: string): ParsedInteger {
  const t = text.trim().replace(/_/g, '').replace(/(?:u|l|ul|lu|ll|ull|llu)$/i, '');
  if (/^-/.test(t)) return { error: `${text} is negative` };
  if (!/^(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i.test(t)) return { error: `${text} is not an integer (use decimal, 0x hex or 0b binary)` };
  const value = BigInt(t);
  if (value > MASK64) return { error: `${text} does not fit in 64 bits` };
  return { value };
}

/** `0x` and lowercase hex, zero-padded to `digits` when given. */
export function hex(value: bigint, digits = 0): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}

/** Binary in groups of four bits, most significant first: `0000 0001 0110`. */
export function nibbles(value: bigint, bits: number): string {
  const s = value.toString(2).padStart(bits, '0');
  const groups: string[] = [];
  for (let i = 0; i < s.length; i += 4) groups.push(s.slice(i, i + 4));
  return groups.join(' ');
}

export function widthMask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Bit numbers set in `mask`, ascending. */
export function bitsOf(mask: bigint): number[] {
  const out: number[] = [];
  for (let bit = 0; mask > 0n; bit++, mask >>= 1n) if (mask & 1n) out.push(bit);
  return out;
}

export function maskOf(bits: readonly number[]): bigint {
  return bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);
}

/** `1, 2, 4` or `0-8, 10, 11`: runs of three or more become ranges. */
export function bitRanges(bits: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < bits.length; ) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j] + 1) j++;
    if (j - i >= 2) parts.push(`${bits[i]}-${bits[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(bits[k]));
    i = j + 1;
  }
  return parts.join(', ');
}

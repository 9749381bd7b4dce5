// What the text at a position of one line refers to: a VMCS field by any alias, a raw encoding passed as the field
// argument of an accessor, or a named control bit. Used by hovers; needs only the line, so it is cheap.
import { accessorForm } from './accessors';
import { catalogue, type FieldRecord } from '../catalogue/catalogue';
import { controlBitByAlias, type ControlBit } from '../catalogue/controls';
import { parseEncoding } from '../catalogue/encoding';

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

export function referenceAt(line: string, ch: number): Reference | undefined {
  const t = tokenAt(line, ch);
  if (!t) return undefined;
  const text = line.slice(t.start, t.end);
  if (/^[0-9]/.test(text)) {
    const ctx = callContext(line, t.start, t.end);
    if (!ctx) return undefined;
    const form = accessorForm(ctx.callee, ctx.args, ctx.argIndex);
    if (!form || form.field !== ctx.argIndex) return undefined;
    const enc = parseEncoding(text.replace(/(?:u|l|ul|ull|ll)$/i, ''));
    const record = enc === undefined ? undefined : catalogue().byEncodingNumber(enc);
    return record ? { kind: 'field', record, start: t.start, end: t.end, via: 'encoding', text } : undefined;
  }
  for (const name of catalogue().pathSuffixes(text)) {
    const record = catalogue().findExact(name);
    if (record) return { kind: 'field', record, start: t.start, end: t.end, via: 'name', text: name };
    const bit = controlBitByAlias(name);
    if (bit) return { kind: 'bit', bit, start: t.start, end: t.end, text: name };
  }
  return undefined;
}

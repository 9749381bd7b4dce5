// Line templates of dump-lines.json compiled to anchored regular expressions: a space matches a run of blanks,
// {hhhh} a hex value of that field (0x optional), {hhhh:hi8}/{hhhh:lo8} a byte of it, {_} a software value, {~} a word.
export interface Slot {
  kind: 'field' | 'software' | 'word';
  encoding?: number;
  byte?: 'hi8' | 'lo8';
  /** Name for templates of lists ({index}, {value}). */
  name?: string;
}

export interface Template {
  re: RegExp;
  slots: Slot[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HEX = '(?:0x)?([0-9a-fA-F]+)';

// Between two values or words (`{sel} {ar}`, `{6820} DR7`) blanks are required: a value cut off where a dump was
// truncated (`IDTR:   00000`) must not match as two values. Next to punctuation (`= `, `, `) they may be missing.
const WORDY = /[\w{}]/;

export function compile(template: string): Template {
  const slots: Slot[] = [];
  let re = '';
  const parts = template.split(/(\{[^}]+\})/).filter((p) => p);
  for (const [k, part] of parts.entries()) {
    const m = /^\{([^}]+)\}$/.exec(part);
    if (!m) {
      const before = parts[k - 1]?.slice(-1) ?? '';
      const after = parts[k + 1]?.[0] ?? '';
      re += part.replace(/[^\s]+|\s+/g, (piece, at: number) => {
        if (!/^\s/.test(piece)) return escape(piece);
        const left = at === 0 ? before : part[at - 1];
        const right = at + piece.length === part.length ? after : part[at + piece.length];
        return WORDY.test(left) && WORDY.test(right) ? '\\s+' : '\\s*';
      });
      continue;
    }
    const body = m[1];
    if (body === '~') {
      slots.push({ kind: 'word' });
      re += '(\\S+?)';
    } else if (body === '_') {
      slots.push({ kind: 'software' });
      re += HEX;
    } else if (/^[0-9a-f]{4}(:hi8|:lo8)?$/.test(body)) {
      const [enc, byte] = body.split(':');
      slots.push({ kind: 'field', encoding: parseInt(enc, 16), ...(byte ? { byte: byte as 'hi8' | 'lo8' } : {}) });
      re += HEX;
    } else {
      slots.push({ kind: 'field', name: body });
      re += HEX;
    }
  }
  return { re: new RegExp(`^${re}$`), slots };
}

// Line templates of dump-lines.json compiled to anchored regular expressions: a space matches any run of blanks,
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

export function compile(template: string): Template {
  const slots: Slot[] = [];
  let re = '';
  for (const part of template.split(/(\{[^}]+\})/)) {
    if (!part) continue;
    const m = /^\{([^}]+)\}$/.exec(part);
    if (!m) {
      re += part.split(/\s+/).map(escape).join('\\s*');
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

// JSON input files (snapshots, VMCS states): parsing with a line:column on syntax errors, the line of a key path, and
// duplicate keys, which JSON.parse would silently collapse.
export type JsonPath = (string | number)[];

export const pathText = (path: JsonPath) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i ? '.' : '') + p : `[${JSON.stringify(p)}]`)).join('');

/** Line of the key at the end of `path`, found by walking the keys in order through the text. */
export function lineOf(text: string, path: JsonPath): number | undefined {
  let at = 0;
  for (const key of path) {
    if (typeof key === 'number') continue;
    const i = text.indexOf(JSON.stringify(key), at);
    if (i < 0) return undefined;
    at = i;
  }
  return path.length ? text.slice(0, at).split('\n').length : undefined;
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** JSON.parse, or a one-line message "<where>:<line>:<col>: not valid JSON (…)". */
export function parseJson(text: string, where: string): { data: unknown } | { error: string } {
  try {
    return { data: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message;
    // V8 names the offending position; a truncated file fails at its end.
    const pos = /position (\d+)/.exec(msg);
    const before = text.slice(0, pos ? Number(pos[1]) : text.length);
    const loc = `:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
    return { error: `${where}${loc}: not valid JSON (${msg.replace(/\s+in JSON at position \d+.*$/, '').replace(/\n/g, ' ')})` };
  }
}

/** The first key given twice in one object of valid JSON text: its path and line. */
export function duplicateKey(text: string): { path: JsonPath; line: number } | undefined {
  const stack: { keys: Set<string>; path: JsonPath; key?: string | number; array: boolean; index: number }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      let k = j + 1;
      while (/\s/.test(text[k] ?? '')) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top && !top.array) {
        const key = JSON.parse(raw) as string;
        if (top.keys.has(key)) return { path: [...top.path, key], line };
        top.keys.add(key);
        top.key = key;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      const top = stack[stack.length - 1];
      const path = top ? [...top.path, top.array ? top.index : top.key!] : [];
      stack.push({ keys: new Set(), path, array: ch === '[', index: 0 });
    } else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',' && stack[stack.length - 1]?.array) stack[stack.length - 1].index++;
  }
  return undefined;
}

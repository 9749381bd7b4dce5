// "Did you mean …": the known names closest to an unknown one (case-insensitive edit distance, prefix matches first).

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length];
}

/** Up to `count` names nearest to `query`: within a third of its length in edits, or containing it. */
export function closestNames(query: string, names: Iterable<string>, count = 3): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const limit = Math.max(2, Math.floor(q.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    const d = n.includes(q) || q.includes(n) ? Math.abs(n.length - q.length) / 100 : distance(q, n, limit);
    if (d <= limit) scored.push({ name, score: d });
  }
  scored.sort((x, y) => x.score - y.score || x.name.length - y.name.length || (x.name < y.name ? -1 : 1));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { name } of scored) {
    if (seen.has(name.toLowerCase())) continue; // one of PIN_BASED_VM_EXEC_CONTROL / pin_based_vm_exec_control
    seen.add(name.toLowerCase());
    out.push(name);
    if (out.length === count) break;
  }
  return out;
}

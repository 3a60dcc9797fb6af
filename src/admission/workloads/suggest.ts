/**
 * Closest names for a refusal ("no server X; closest: ..."). Edit distance bounded by the query's
 * length, with a cheap length filter first, so a 10,000-name catalog costs a few milliseconds and
 * only on the refusal path.
 */
const MAX_LEN = 128;

/** Levenshtein distance, or limit + 1 once it is certain to exceed limit. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}

/**
 * Up to `max` names closest to `query`, closest first (ties by name). Names containing the query (or
 * contained in it) count as close as one edit; nothing further than half the query's length is kept,
 * and when nothing is that close (or with `all`) the other names follow in order.
 */
export function closestNames(query: string, names: readonly string[], max = 5, all = false): string[] {
  const q = query.toLowerCase().slice(0, MAX_LEN);
  const limit = Math.max(2, Math.ceil(q.length / 2));
  const scored: { name: string; d: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase().slice(0, MAX_LEN);
    const tail = n.slice(n.lastIndexOf('/') + 1);
    const d =
      n.includes(q) || (q.includes(tail) && tail.length > 2)
        ? 1
        : Math.min(editDistance(q, n, limit), editDistance(q, tail, limit));
    if (d <= limit) scored.push({ name, d });
  }
  const close = scored
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((s) => s.name);
  // `all`: every name, the close ones first (a namespace's few registries are all worth naming).
  if (all || close.length === 0) {
    const rest = [...names].filter((n) => !close.includes(n)).sort();
    return [...close, ...rest].slice(0, max);
  }
  return close.slice(0, max);
}

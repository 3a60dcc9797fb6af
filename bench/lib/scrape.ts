/** Reading Prometheus text exposition (our operator's /metrics, the apiserver's /metrics). */

/**
 * Sum of every sample of `name` whose labels include all of `labels` (exact name: `foo_total` does
 * not match `foo_total_bar`). 0 when there is none.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const close = rest[0] === '{' ? rest.indexOf('}') : -1;
    const labelText = close > 0 ? rest.slice(1, close) : '';
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    const value = Number(
      rest
        .slice(close + 1)
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** GETs a plain-HTTP /metrics (the operator's health port); '' when it cannot be read. */
export async function scrapeHttp(url: string): Promise<string> {
  try {
    const r = await fetch(url);
    return r.ok ? await r.text() : '';
  } catch {
    return '';
  }
}

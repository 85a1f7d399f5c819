import type { JsonObject, JsonValue } from './types.js';

export interface PerfItem {
  name: string;
  value: JsonValue;
  unit: string;
  expanded: JsonObject;
}

const cache = new Map<string, readonly PerfItem[]>();
const PERF_RE = /('[^']+'|[^\s=]+)=([^\s;]*);?([^\s;]*);?([^\s;]*);?([^\s;]*);?([^\s;]*)/g;

function num(v: string): JsonValue {
  if (v === '') return '';
  return /^-?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : v;
}

/** Thruk's perf data expansion: numeric values since 3.08.3, unit split off, `max`/`warn` '' when empty. */
export function parsePerf(perf: string): readonly PerfItem[] {
  if (perf === '') return [];
  const hit = cache.get(perf);
  if (hit) return hit;
  const items: PerfItem[] = [];
  for (const m of perf.matchAll(PERF_RE)) {
    const rawName = m[1] ?? '';
    const name = rawName.startsWith("'") ? rawName.slice(1, -1) : rawName;
    const vm = /^(-?(?:\d+[.,]?\d*|[.,]\d+)|U)(.*)$/.exec(m[2] ?? '');
    if (!vm) continue;
    const unit = vm[2] ?? '';
    const value = vm[1] === 'U' ? 'U' : num((vm[1] ?? '').replace(',', '.'));
    items.push({
      name,
      value,
      unit,
      expanded: {
        crit: num(m[4] ?? ''),
        max: num(m[6] ?? ''),
        min: num(m[5] ?? ''),
        name,
        orig: m[0].trim(),
        parent: '',
        unit,
        value,
        warn: num(m[3] ?? ''),
      },
    });
  }
  if (cache.size > 5000) cache.clear();
  cache.set(perf, items);
  return items;
}

export function perfValue(perf: string, key: string): JsonValue | undefined {
  if (perf === '') return undefined;
  for (const item of parsePerf(perf)) {
    if (item.name === key) return item.value;
    if (key.endsWith('_unit') && item.name === key.slice(0, -5)) return item.unit;
  }
  return undefined;
}

/** Adds `<label>`, `<label>_unit` (never overwriting existing keys) and `perf_data_expanded`. */
export function addPerfKeys(out: Record<string, JsonValue>, perf: string, prefix: string, known: (k: string) => boolean): void {
  const items = parsePerf(perf);
  if (items.length === 0) return;
  for (const item of items) {
    const k = prefix + item.name;
    if (!known(k) && !(k in out)) out[k] = item.value;
    const u = `${k}_unit`;
    if (!known(u) && !(u in out)) out[u] = item.unit;
  }
  out[`${prefix}perf_data_expanded`] = items.map((i) => i.expanded);
}

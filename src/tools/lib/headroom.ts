import { rangeAlerts, type PerfMetric, type PerfRange } from './perfdata.js';

export interface Headroom {
  /** Which threshold the headroom is measured against: warning when set, else critical. */
  readonly threshold: 'warning' | 'critical';
  /** Distance from the value to the nearest alerting value, in the metric's unit; negative when already alerting. */
  readonly distance: number;
  /** `distance` as a percentage of `basis`. */
  readonly percent: number;
  /** ok_range: of the width of the OK band the value is in (e.g. 0..warn); threshold: of the threshold (open-ended band); value: of the value. */
  readonly basis: 'ok_range' | 'threshold' | 'value';
}

interface Band {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The values the metric can take: its min/max, and for a bare `10` (= `0:10`) without a min, zero,
 * because that implied lower bound only forbids negatives; nobody approaches it.
 */
function domain(range: PerfRange, m: PerfMetric, v: number): Band {
  return { lo: m.min ?? (range.implicitStart && v >= 0 ? 0 : -Infinity), hi: m.max ?? Infinity };
}

/** The OK band around an OK value and the bounds of it that can be crossed. */
function okBand(range: PerfRange, dom: Band, v: number): Band {
  const lo = range.start ?? -Infinity;
  const hi = range.end ?? Infinity;
  if (!range.inside) return { lo: Math.max(lo, dom.lo), hi: Math.min(hi, dom.hi) };
  return v < lo ? { lo: dom.lo, hi: lo } : { lo: hi, hi: dom.hi };
}

function scaled(distance: number, band: Band, nearest: number, v: number): { percent: number; basis: Headroom['basis'] } {
  const width = band.hi - band.lo;
  let scale: number;
  let basis: Headroom['basis'];
  if (Number.isFinite(width) && width > 0) [scale, basis] = [width, 'ok_range'];
  else if (Number.isFinite(nearest) && nearest !== 0) [scale, basis] = [Math.abs(nearest), 'threshold'];
  else [scale, basis] = [v !== 0 ? Math.abs(v) : 1, 'value'];
  return { percent: Math.round((distance / scale) * 10000) / 100, basis };
}

/**
 * How far the value is from alerting, computed from the actual range so that inverted (`@10:20`)
 * and lower-bound (`10:`) thresholds work. undefined when there is no threshold or value, when the
 * threshold lies outside the metric's min..max, or when the OK band has no width (a "must be
 * exactly 0" check has no headroom to speak of until it alerts).
 */
export function headroomOf(m: PerfMetric): Headroom | undefined {
  const threshold = m.warnRange !== undefined ? 'warning' : m.critRange !== undefined ? 'critical' : undefined;
  const range = m.warnRange ?? m.critRange;
  if (threshold === undefined || range === undefined || m.value === null) return undefined;
  const v = m.value;
  const lo = range.start ?? -Infinity;
  const hi = range.end ?? Infinity;
  if (rangeAlerts(range, v)) {
    // Already alerting: how far it would have to move back, as a negative headroom.
    if (range.inside) {
      const d = Math.min(v - lo, hi - v);
      return { threshold, distance: -d, ...scaled(-d, { lo, hi }, v - lo <= hi - v ? lo : hi, v) };
    }
    const dom = domain(range, m, v);
    const band = { lo: Math.max(lo, dom.lo), hi: Math.min(hi, dom.hi) };
    const [d, nearest] = v > hi ? [v - hi, hi] : [lo - v, lo];
    return { threshold, distance: -d, ...scaled(-d, band, nearest, v) };
  }
  const band = okBand(range, domain(range, m, v), v);
  if (!(band.hi > band.lo)) return undefined;
  const sides: Array<[number, number]> = [];
  // A band edge that is the edge of the domain cannot be crossed; one that is a threshold can.
  const dom = domain(range, m, v);
  if (band.lo > dom.lo && Number.isFinite(band.lo)) sides.push([v - band.lo, band.lo]);
  if (band.hi < dom.hi && Number.isFinite(band.hi)) sides.push([band.hi - v, band.hi]);
  sides.sort((a, b) => a[0] - b[0]);
  const best = sides[0];
  if (best === undefined) return undefined;
  return { threshold, distance: best[0], ...scaled(best[0], band, best[1], v) };
}

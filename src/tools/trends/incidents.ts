/**
 * HARD-state incident reducer. An incident runs from the first HARD non-OK alert to the next
 * HARD OK; consecutive non-OK states (WARNING → CRITICAL) stay one incident. One still open at the
 * end of the window is ongoing and lasts until the window end. A HARD recovery before any problem
 * in the window closes an incident that began earlier: it counts from the window start, and since
 * its real length is unknown it is left out of MTTR.
 */

export interface HardEvent {
  readonly time: number;
  readonly state: number;
}

export interface Incident {
  readonly start: number;
  readonly end: number;
  readonly ongoing: boolean;
  /** Began before the window: start is the window start, the real length is unknown. */
  readonly clipped: boolean;
}

/** `events` in time order, HARD alerts of one object only. */
export function incidentsOf(events: readonly HardEvent[], windowStart: number, windowEnd: number): Incident[] {
  const out: Incident[] = [];
  let start: number | undefined;
  let first = true;
  for (const e of events) {
    if (e.state !== 0) {
      start ??= e.time;
    } else if (start !== undefined) {
      out.push({ start, end: e.time, ongoing: false, clipped: false });
      start = undefined;
    } else if (first) {
      out.push({ start: windowStart, end: e.time, ongoing: false, clipped: true });
    }
    first = false;
  }
  if (start !== undefined) out.push({ start, end: Math.max(start, windowEnd), ongoing: true, clipped: false });
  return out;
}

export interface Reliability {
  readonly incidents: number;
  /** Mean length of the incidents that began and recovered inside the window. */
  readonly mttr?: number;
  /** Mean gap between consecutive incident starts (two incidents or more). */
  readonly mtbf?: number;
  readonly downtime: number;
  readonly longest: number;
  readonly ongoing: boolean;
  readonly ongoingSince?: number;
}

export function reliabilityOf(incidents: readonly Incident[]): Reliability {
  const lengths = incidents.map((i) => Math.max(0, i.end - i.start));
  const repaired = incidents.filter((i) => !i.ongoing && !i.clipped);
  const open = incidents.find((i) => i.ongoing);
  const r: { -readonly [K in keyof Reliability]: Reliability[K] } = {
    incidents: incidents.length,
    downtime: lengths.reduce((a, b) => a + b, 0),
    longest: lengths.reduce((a, b) => Math.max(a, b), 0),
    ongoing: open !== undefined,
  };
  if (repaired.length > 0) r.mttr = Math.round(repaired.reduce((a, i) => a + (i.end - i.start), 0) / repaired.length);
  if (incidents.length >= 2) {
    const starts = incidents.map((i) => i.start).sort((a, b) => a - b);
    r.mtbf = Math.round(((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / (starts.length - 1));
  }
  if (open !== undefined) r.ongoingSince = open.start;
  return r;
}

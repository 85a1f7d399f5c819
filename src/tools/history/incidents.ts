/** Events of a window → timeline entries with from/to states, incidents and downtime totals. */
import { duration, iso } from '../lib/format.js';
import { stateWord } from './common.js';
import { keyOf, type LogEvent } from './events.js';

export interface TimelineEntry {
  time: string;
  epoch: number;
  host: string;
  service?: string;
  type: 'state_change' | 'notification' | 'downtime' | 'flapping' | 'ack';
  from_state?: string;
  to_state?: string;
  state_type?: 'HARD' | 'SOFT';
  attempt?: number;
  /** Time spent in the previous state (only when its start is inside the window). */
  after?: string;
  after_s?: number;
  detail?: string;
  contact?: string;
  author?: string;
  comment?: string;
  output?: string;
}

export interface Incident {
  host: string;
  service?: string;
  state: string;
  start: string;
  end?: string;
  seconds: number;
  duration: string;
  ongoing: boolean;
  /** Still open when the window ended (which was before now). */
  open_at_window_end?: boolean;
  started_before_window?: boolean;
  acknowledged_by?: string;
  /** The acknowledgement was removed (or expired) later in the incident: it did not stay acked. */
  acknowledgement_removed?: boolean;
  /** A service problem that began while its host was DOWN/UNREACHABLE: the host outage is the incident. */
  during_host_outage?: boolean;
}

export interface Reduced {
  entries: TimelineEntry[];
  incidents: Incident[];
  softOnly: number;
  downtimeSeconds: number;
}

const SEVERITY: Record<string, number> = { DOWN: 3, UNREACHABLE: 2, CRITICAL: 3, UNKNOWN: 2, WARNING: 1 };

interface Open {
  start: number;
  state: string;
  hard: boolean;
  before: boolean;
  ackBy?: string;
  ackRemoved?: boolean;
}

export interface Prior {
  readonly state: number;
  readonly kind: 'host' | 'service';
  readonly host: string;
  readonly service?: string;
}

/**
 * `events` in ascending time, all inside [since, until]. `prior` is each object's state before
 * the window (from the log before it), when known.
 */
export function reduce(
  events: readonly LogEvent[],
  prior: ReadonlyMap<string, Prior>,
  since: number,
  until: number,
  ongoingAtEnd: boolean,
): Reduced {
  const entries: TimelineEntry[] = [];
  const incidents: Incident[] = [];
  const prev = new Map<string, { state: number | undefined; at: number | undefined }>();
  const open = new Map<string, Open>();
  const dtOpen = new Map<string, number>();
  const dtSeen = new Set<string>();
  let softOnly = 0;
  let downtimeSeconds = 0;
  const close = (key: string, e: Pick<LogEvent, 'host' | 'service'>, end: number, atWindowEnd: boolean) => {
    const o = open.get(key);
    if (!o) return;
    open.delete(key);
    if (!o.hard) {
      softOnly++;
      return;
    }
    const ongoing = atWindowEnd && ongoingAtEnd;
    const inc: Incident = {
      host: e.host,
      state: o.state,
      start: iso(o.start),
      seconds: end - o.start,
      duration: duration(end - o.start),
      ongoing,
    };
    if (e.service !== undefined) inc.service = e.service;
    if (!atWindowEnd) inc.end = iso(end);
    else if (!ongoing) inc.open_at_window_end = true;
    if (o.before) inc.started_before_window = true;
    if (o.ackBy !== undefined) inc.acknowledged_by = o.ackBy;
    if (o.ackBy !== undefined && o.ackRemoved === true) inc.acknowledgement_removed = true;
    incidents.push(inc);
  };
  const objects = new Map<string, Pick<LogEvent, 'host' | 'service'>>();
  const start = (key: string, p: Prior | undefined) => {
    prev.set(key, { state: p?.state, at: undefined });
    if (p !== undefined && p.state !== 0) open.set(key, { start: since, state: stateWord(p.kind, p.state), hard: true, before: true });
  };
  for (const e of events) {
    const key = keyOf(e);
    objects.set(key, e);
    const base: TimelineEntry = {
      time: iso(e.time),
      epoch: e.time,
      host: e.host,
      ...(e.service !== undefined ? { service: e.service } : {}),
      type: 'state_change',
    };
    if (!prev.has(key)) start(key, prior.get(key));
    const pv = prev.get(key) ?? { state: undefined, at: undefined };
    if (e.kind === 'state') {
      const to = stateWord(e.objKind, e.state);
      const entry: TimelineEntry = {
        ...base,
        to_state: to,
        state_type: e.hard === true ? 'HARD' : 'SOFT',
        ...(e.attempt ? { attempt: e.attempt } : {}),
        ...(e.output ? { output: e.output } : {}),
      };
      if (pv.state !== undefined) entry.from_state = stateWord(e.objKind, pv.state);
      const changed = pv.state !== e.state;
      if (changed && pv.at !== undefined) {
        entry.after_s = e.time - pv.at;
        entry.after = duration(e.time - pv.at);
      }
      entries.push(entry);
      if (e.state === 0) close(key, e, e.time, false);
      else {
        const o = open.get(key);
        if (o === undefined) open.set(key, { start: e.time, state: to, hard: e.hard === true, before: false });
        else {
          o.hard ||= e.hard === true;
          if ((SEVERITY[to] ?? 0) > (SEVERITY[o.state] ?? 0)) o.state = to;
        }
      }
      prev.set(key, { state: e.state, at: changed ? e.time : pv.at });
    } else if (e.kind === 'notification') {
      entries.push({
        ...base,
        type: 'notification',
        detail: e.reason ?? '',
        ...(e.state !== undefined ? { to_state: stateWord(e.objKind, e.state) } : {}),
        ...(e.contact ? { contact: e.contact } : {}),
        ...(e.author ? { author: e.author, comment: e.comment ?? '' } : {}),
        ...(e.output ? { output: e.output } : {}),
      });
    } else if (e.kind === 'downtime' || e.kind === 'flapping') {
      entries.push({ ...base, type: e.kind, detail: e.what ?? '', ...(e.output ? { output: e.output } : {}) });
      if (e.kind === 'downtime') {
        if (e.what === 'STARTED') dtOpen.set(key, e.time);
        else {
          const s = dtOpen.get(key) ?? (dtSeen.has(key) ? undefined : since);
          if (s !== undefined) downtimeSeconds += e.time - s;
          dtOpen.delete(key);
        }
        dtSeen.add(key);
      }
    } else if (e.kind === 'ack') {
      entries.push({
        ...base,
        type: 'ack',
        detail: e.what ?? '',
        ...(e.author ? { author: e.author } : {}),
        ...(e.comment ? { comment: e.comment } : {}),
      });
      const o = open.get(key);
      if (o && e.what === 'SET') {
        o.ackBy = e.author !== undefined && e.author !== '' ? e.author : 'someone';
        o.ackRemoved = false;
      } else if (o && o.ackBy !== undefined) o.ackRemoved = true;
    }
  }
  for (const s of dtOpen.values()) downtimeSeconds += until - s;
  // Objects already in trouble before the window and quiet during it were in trouble all along.
  for (const [key, p] of prior) {
    if (prev.has(key) || p.state === 0) continue;
    start(key, p);
    objects.set(key, { host: p.host, ...(p.service !== undefined ? { service: p.service } : {}) });
  }
  for (const [key, e] of objects) close(key, e, until, true);
  incidents.sort((a, b) => a.start.localeCompare(b.start));
  return { entries, incidents, softOnly, downtimeSeconds };
}

const span = (i: Incident): [number, number] => {
  const from = Date.parse(i.start) / 1000;
  return [from, from + i.seconds];
};

/**
 * How long before its host's outage a service problem may begin and still be that outage: a
 * service check often sees the failure first, and the core confirms the host DOWN only after its
 * own check and retries (db-02/ping CRITICAL at 01:09, db-02 DOWN at 01:10 is one incident).
 */
export const HOST_OUTAGE_LEAD_S = 300;

/**
 * Marks service incidents that began inside an outage of their own host, or up to
 * HOST_OUTAGE_LEAD_S before it: they are the host's outage seen from its services, not problems
 * of their own (db-02 DOWN 1h 25m is one incident, not also "db-02/ping CRITICAL 1h 25m").
 */
export function attributeToHosts(incidents: readonly Incident[]): Incident[] {
  const outages = new Map<string, Array<[number, number]>>();
  for (const i of incidents) if (i.service === undefined) outages.set(i.host, [...(outages.get(i.host) ?? []), span(i)]);
  return incidents.map((i) => {
    if (i.service === undefined) return i;
    const [from] = span(i);
    return (outages.get(i.host) ?? []).some(([a, b]) => from >= a - HOST_OUTAGE_LEAD_S && from <= b)
      ? { ...i, during_host_outage: true }
      : i;
  });
}

/** Seconds in which at least one incident was open: overlapping problems count once. */
export function unionSeconds(incidents: readonly Incident[]): number {
  const spans = incidents.map(span).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [a, b] of spans) {
    if (cur !== undefined && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur !== undefined) total += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  if (cur !== undefined) total += cur[1] - cur[0];
  return Math.round(total);
}

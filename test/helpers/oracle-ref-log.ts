/**
 * The oracle's reference for history: alert counts, FLAPPING ALERT objects, availability, problem
 * time bounds and HARD episodes, computed from the simulator's raw log rows only.
 */
import type { Simulator } from '../../src/sim/index.js';
import { refAnswered } from './oracle-ref-window.js';
import type { SiteState } from '../../src/sim/types.js';

/** Non-OK HOST ALERT / SERVICE ALERT rows per object in [since, until] (what "noisy" ranks). */
export function refAlertCounts(sim: Simulator, since: number, until: number, kind: 'HOST' | 'SERVICE'): Map<string, number> {
  const out = new Map<string, number>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.time < since || e.time > until || !refAnswered(site, since, e.time) || e.type !== `${kind} ALERT` || e.state === 0) continue;
      const key = `${e.hostName ?? ''}${kind === 'SERVICE' ? `;${e.serviceDescription ?? ''}` : ''}${multi ? `@${site.name}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** Objects with FLAPPING ALERT rows in the window: key (host;service, @core with several cores) → started/stopped. */
export function refFlapping(sim: Simulator, since: number, until: number): Map<string, { started: number; stopped: number }> {
  const out = new Map<string, { started: number; stopped: number }>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.time < since || e.time > until || !/ FLAPPING ALERT$/.test(e.type)) continue;
      const key = `${e.hostName ?? ''};${e.serviceDescription ?? ''}${multi ? `@${site.name}` : ''}`;
      const v = out.get(key) ?? { started: 0, stopped: 0 };
      if (e.stateType === 'STARTED') v.started++;
      else if (e.stateType === 'STOPPED') v.stopped++;
      out.set(key, v);
    }
  }
  return out;
}

export interface RefAvail {
  up: number;
  down: number;
  unreachable: number;
  nodata: number;
  scheduledBad: number;
}

/**
 * A host's time per state in [since, until] from its log rows: HARD HOST ALERTs and the
 * INITIAL/CURRENT HOST STATE lines set the state, HOST DOWNTIME ALERT STARTED/STOPPED the
 * downtime; before the first known state there is no data.
 */
export function refHostAvailability(site: SiteState, host: string, since: number, until: number): RefAvail {
  const out: RefAvail = { up: 0, down: 0, unreachable: 0, nodata: 0, scheduledBad: 0 };
  const rows = site.logs.filter(
    (e) =>
      e.hostName === host &&
      e.serviceDescription === null &&
      ((e.type === 'HOST ALERT' && e.stateType === 'HARD') ||
        e.type === 'INITIAL HOST STATE' ||
        e.type === 'CURRENT HOST STATE' ||
        e.type === 'HOST DOWNTIME ALERT'),
  );
  let state: number | undefined;
  let inDowntime = false;
  let t = since;
  const account = (to: number): void => {
    const len = Math.max(0, Math.min(to, until) - t);
    if (len === 0) return;
    if (state === undefined) out.nodata += len;
    else if (state === 0) out.up += len;
    else {
      if (state === 1) out.down += len;
      else out.unreachable += len;
      if (inDowntime) out.scheduledBad += len;
    }
    t = Math.min(to, until);
  };
  for (const e of rows) {
    if (e.time > until) break;
    if (e.time > t) account(e.time);
    if (e.type === 'HOST DOWNTIME ALERT') inDowntime = e.stateType === 'STARTED';
    else state = e.state;
  }
  account(until);
  return out;
}

/** Available share of the time with data, planned downtime not counted as outage, floored to 4 decimals. */
export function refAvailabilityPercent(a: RefAvail): number | undefined {
  const known = a.up + a.down + a.unreachable;
  if (known <= 0) return undefined;
  const unplanned = a.down + a.unreachable - Math.min(a.down + a.unreachable, a.scheduledBad);
  return Math.floor(((known - unplanned) / known) * 100 * 10_000) / 10_000;
}

type Interval = [number, number];

function unionLength(list: readonly Interval[]): number {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: Interval | undefined;
  for (const [s, e] of sorted) {
    if (cur === undefined || s > cur[1]) {
      if (cur !== undefined) total += cur[1] - cur[0];
      cur = [s, e];
    } else cur[1] = Math.max(cur[1], e);
  }
  return total + (cur !== undefined ? cur[1] - cur[0] : 0);
}

/** Problem intervals of one object in [since, until] from its alert rows; `carry`: a problem open at `since` counts from there. */
function problemIntervals(
  site: SiteState,
  host: string,
  service: string | null,
  since: number,
  until: number,
  carry: boolean,
  hardOnly: boolean,
): Interval[] {
  const type = service === null ? 'HOST ALERT' : 'SERVICE ALERT';
  const rows = site.logs.filter((e) => e.type === type && e.hostName === host && e.serviceDescription === service && e.time <= until);
  const out: Interval[] = [];
  let open: number | undefined;
  let hard = false;
  for (const e of rows) {
    if (e.time < since) {
      open = carry && e.state !== 0 ? since : undefined;
      hard = e.stateType === 'HARD';
      continue;
    }
    if (e.state !== 0) {
      if (open === undefined) {
        open = e.time;
        hard = false;
      }
      if (e.stateType === 'HARD') hard = true;
    } else if (open !== undefined) {
      if (!hardOnly || hard) out.push([open, e.time]);
      open = undefined;
    }
  }
  if (open !== undefined && (!hardOnly || hard)) out.push([open, until]);
  return out;
}

/**
 * Bounds for the problem time of a host and its services in a window, whatever the exact rule
 * for soft-only incidents and problems open at the window's start: at least the time anything
 * was in a HARD problem (overlaps once), at most the host's problem time plus its services'
 * problem time outside the host's problems. Counting a service's problem during its host's
 * outage a second time exceeds the upper bound.
 */
export function refProblemTimeBounds(site: SiteState, host: string, since: number, until: number): { lower: number; upper: number } {
  const h = site.hostByName.get(host);
  if (h === undefined) return { lower: 0, upper: 0 };
  const strict = [
    ...problemIntervals(site, host, null, since, until, false, true),
    ...h.services.flatMap((s) => problemIntervals(site, host, s.description, since, until, false, true)),
  ];
  const hostLoose = problemIntervals(site, host, null, since, until, true, false);
  let upper = unionLength(hostLoose);
  for (const s of h.services) {
    const svc = problemIntervals(site, host, s.description, since, until, true, false);
    upper += unionLength([...hostLoose, ...svc]) - unionLength(hostLoose);
  }
  return { lower: unionLength(strict), upper };
}

/** A service's time per state in [since, until] (ok, warning, critical, unknown, no data; scheduled CRITICAL/UNKNOWN). */
export function refServiceAvailability(
  site: SiteState,
  host: string,
  service: string,
  since: number,
  until: number,
): { seconds: number[]; nodata: number; scheduledBad: number } {
  const seconds = [0, 0, 0, 0];
  let nodata = 0;
  let scheduledBad = 0;
  const rows = site.logs.filter(
    (e) =>
      e.hostName === host &&
      e.serviceDescription === service &&
      ((e.type === 'SERVICE ALERT' && e.stateType === 'HARD') ||
        e.type === 'INITIAL SERVICE STATE' ||
        e.type === 'CURRENT SERVICE STATE' ||
        e.type === 'SERVICE DOWNTIME ALERT'),
  );
  let state: number | undefined;
  let inDowntime = false;
  let t = since;
  const account = (to: number): void => {
    const len = Math.max(0, Math.min(to, until) - t);
    if (len === 0) return;
    if (state === undefined) nodata += len;
    else {
      seconds[state] = (seconds[state] ?? 0) + len;
      if (inDowntime && state >= 2) scheduledBad += len;
    }
    t = Math.min(to, until);
  };
  for (const e of rows) {
    if (e.time > until) break;
    if (e.time > t) account(e.time);
    if (e.type === 'SERVICE DOWNTIME ALERT') inDowntime = e.stateType === 'STARTED';
    else state = e.state;
  }
  account(until);
  return { seconds, nodata, scheduledBad };
}

export interface RefEpisodes {
  incidents: number;
  seconds: number;
  ongoing: boolean;
}

/**
 * HARD problem episodes per object that start inside [since, until]: from a HARD non-OK alert
 * to the next HARD OK alert (or until, ongoing). Objects with a HARD problem already open at
 * `since` are left out (`carried`), as where such an episode starts is a matter of definition.
 */
export function refEpisodes(
  sim: Simulator,
  since: number,
  until: number,
  onlySite?: number,
  perCore = false,
): { objects: Map<string, RefEpisodes>; carried: Set<string> } {
  const objects = new Map<string, RefEpisodes>();
  const carried = new Set<string>();
  for (const site of sim.state.sites) {
    if (onlySite !== undefined && site.index !== onlySite) continue;
    const open = new Map<string, number>();
    for (const e of site.logs) {
      if ((e.type !== 'HOST ALERT' && e.type !== 'SERVICE ALERT') || e.stateType !== 'HARD' || e.time > until || e.hostName === null)
        continue;
      const key = `${e.hostName};${e.serviceDescription ?? ''}${perCore ? `@${site.name}` : ''}`;
      if (e.time < since) {
        if (e.state !== 0) carried.add(key);
        else carried.delete(key);
        continue;
      }
      if (carried.has(key)) continue;
      const o = objects.get(key) ?? { incidents: 0, seconds: 0, ongoing: false };
      if (e.state !== 0 && !open.has(key)) {
        open.set(key, e.time);
        o.incidents++;
        objects.set(key, o);
      } else if (e.state === 0 && open.has(key)) {
        o.seconds += e.time - (open.get(key) as number);
        open.delete(key);
      }
    }
    for (const [key, start] of open) {
      const o = objects.get(key) as RefEpisodes;
      o.seconds += until - start;
      o.ongoing = true;
    }
  }
  return { objects, carried };
}

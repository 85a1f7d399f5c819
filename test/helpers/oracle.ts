/**
 * The oracle (issue 12 point 2): generated estates and histories, applied to a fresh simulator,
 * and the expected answer of each tool computed independently from the simulator's raw state
 * (its records and log rows), never through the tools' helpers. Definitions follow Thruk's
 * (thruk-rest-reference.md §5.8 for the counters).
 *
 * A scenario perturbs the demo estate (one or two cores): object states, never-checked objects,
 * acknowledgements, downtimes (active, future, crossing the window's edges), flapping flags,
 * check ages, and a history of outages (host and service, overlapping), flapping episodes and
 * objects that never change. The reference reads the state after the scenario is applied, so it
 * also covers the parts of the demo estate the scenario leaves alone.
 */
import fc from 'fast-check';
import { createSimulator, type Simulator } from '../../src/sim/index.js';
import { alertEntry, appendLog, downtimeEntry, flappingEntry } from '../../src/sim/loglines.js';
import { addComment, addDowntime, setAck } from '../../src/sim/mutate.js';
import { ServiceRecord, type Checkable, type HostRecord, type SiteState } from '../../src/sim/types.js';

export interface ObjMut {
  site: number;
  /** index into the site's hosts (or services) modulo its length */
  idx: number;
  state: number;
  pending: boolean;
  ack: 0 | 1 | 2;
  downtime: boolean;
  flapping: boolean;
  checkAgeMin: number;
  /** active (the default), passive (results only) or active checks disabled */
  mode: 'active' | 'passive' | 'disabled';
}

export interface Outage {
  site: number;
  host: number;
  /** index into the host's services, or null: the host itself */
  svc: number | null;
  /** minutes before now */
  startMin: number;
  durMin: number;
  state: number;
}

export interface Flap { site: number; host: number; svc: number | null; startMin: number; stopMin: number | null }
export interface DowntimeSpec { site: number; host: number; svc: number | null; startMin: number; endMin: number }

export interface Scenario {
  sites: 1 | 2;
  hosts: ObjMut[];
  services: ObjMut[];
  outages: Outage[];
  flaps: Flap[];
  downtimes: DowntimeSpec[];
}

const mut = (maxState: number) => fc.record({
  site: fc.integer({ min: 0, max: 1 }),
  idx: fc.nat(400),
  state: fc.integer({ min: 0, max: maxState }),
  pending: fc.constantFrom(false, false, false, true),
  ack: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const),
  downtime: fc.boolean(),
  flapping: fc.boolean(),
  checkAgeMin: fc.constantFrom(0, 0, 1, 3, 30, 90, 600),
  mode: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'passive' as const, 'disabled' as const),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  sites: fc.constantFrom(1 as const, 1 as const, 2 as const),
  hosts: fc.array(mut(2), { maxLength: 8 }),
  services: fc.array(mut(3), { maxLength: 14 }),
  outages: fc.array(fc.record({
    site: fc.integer({ min: 0, max: 1 }), host: fc.nat(400), svc: fc.option(fc.nat(20), { freq: 2 }),
    startMin: fc.integer({ min: 1, max: 3 * 1440 }), durMin: fc.integer({ min: 1, max: 600 }), state: fc.integer({ min: 1, max: 3 }),
  }), { maxLength: 12 }),
  flaps: fc.array(fc.record({
    site: fc.integer({ min: 0, max: 1 }), host: fc.nat(400), svc: fc.option(fc.nat(20), { freq: 3 }),
    startMin: fc.integer({ min: 1, max: 2 * 1440 }), stopMin: fc.option(fc.integer({ min: 0, max: 1440 })),
  }), { maxLength: 4 }),
  downtimes: fc.array(fc.record({
    site: fc.integer({ min: 0, max: 1 }), host: fc.nat(400), svc: fc.option(fc.nat(20), { freq: 2 }),
    startMin: fc.integer({ min: -600, max: 3 * 1440 }), endMin: fc.integer({ min: -1440, max: 1440 }),
  }), { maxLength: 4 }),
});

export const SITE_NAMES = ['icinga', 'naemon'] as const;

function siteOf(sim: Simulator, i: number): SiteState {
  const sites = sim.state.sites;
  return sites[i % sites.length] as SiteState;
}

function objectOf(site: SiteState, host: number, svc: number | null): Checkable {
  const h = site.hosts[host % site.hosts.length] as HostRecord;
  if (svc === null || h.services.length === 0) return h;
  return h.services[svc % h.services.length] as ServiceRecord;
}

/** A fresh simulator with the scenario applied; `nowSec` is its clock. */
export function buildScenario(s: Scenario, nowMs: number, apiKey: string): Simulator {
  const sim = createSimulator({ apiKey, now: () => nowMs, sites: s.sites === 2 ? [...SITE_NAMES] : ['icinga'] });
  const now = Math.floor(nowMs / 1000);
  const apply = (o: Checkable, m: ObjMut, site: SiteState): void => {
    o.lastCheck = now - m.checkAgeMin * 60;
    if (m.mode !== 'active') {
      o.activeChecksEnabled = false;
      o.checkType = m.mode === 'passive' ? 1 : 0;
    }
    if (m.pending) {
      o.hasBeenChecked = false;
      o.state = 0;
      o.stateType = 0;
      o.lastCheck = 0;
      o.lastStateChange = 0;
      return;
    }
    o.hasBeenChecked = true;
    if (o.state !== m.state) o.lastStateChange = now - 60 * (1 + m.idx);
    o.state = m.state;
    o.stateType = 1;
    o.isFlapping = m.flapping;
    if (m.ack > 0 && m.state !== 0) {
      setAck(o, m.ack, 0);
      const svc = o instanceof ServiceRecord ? o : null;
      const host = svc ? svc.host : (o as HostRecord);
      addComment(site, { host, service: svc, author: 'oracle', comment: 'ack', entryTime: now - 60, entryType: 4, persistent: 0, source: 1, expires: false, expireTime: 0 });
    }
    if (m.downtime) {
      const svc = o instanceof ServiceRecord ? o : null;
      const host = svc ? svc.host : (o as HostRecord);
      addDowntime(site, { host, service: svc, author: 'oracle', comment: 'oracle', entryTime: now - 3600, startTime: now - 1800, endTime: now + 3600, fixed: true, duration: 0, triggeredBy: 0 }, now);
    }
  };
  for (const m of s.hosts) {
    const site = siteOf(sim, m.site);
    apply(site.hosts[m.idx % site.hosts.length] as HostRecord, m, site);
  }
  for (const m of s.services) {
    const site = siteOf(sim, m.site);
    apply(site.services[m.idx % site.services.length] as ServiceRecord, { ...m }, site);
  }
  for (const o of s.outages) {
    const site = siteOf(sim, o.site);
    const obj = objectOf(site, o.host, o.svc);
    if (!obj.hasBeenChecked) continue;
    const state = obj instanceof ServiceRecord ? o.state : Math.min(o.state, 2);
    const start = now - o.startMin * 60;
    const end = start + o.durMin * 60;
    appendLog(site, alertEntry(start, obj, state, true, 1, 'oracle problem'));
    if (end <= now) appendLog(site, alertEntry(end, obj, 0, true, 1, 'oracle ok'));
  }
  for (const f of s.flaps) {
    const site = siteOf(sim, f.site);
    const obj = objectOf(site, f.host, f.svc);
    appendLog(site, flappingEntry(now - f.startMin * 60, obj, true, 30));
    if (f.stopMin !== null && f.stopMin < f.startMin) appendLog(site, flappingEntry(now - f.stopMin * 60, obj, false, 3));
  }
  for (const d of s.downtimes) {
    const site = siteOf(sim, d.site);
    const obj = objectOf(site, d.host, d.svc);
    const start = now - d.startMin * 60;
    const end = Math.max(start + 60, now + d.endMin * 60);
    const svc = obj instanceof ServiceRecord ? obj : null;
    addDowntime(site, { host: svc ? svc.host : (obj as HostRecord), service: svc, author: 'oracle', comment: 'edge', entryTime: start - 60, startTime: start, endTime: end, fixed: true, duration: 0, triggeredBy: 0 }, now);
    if (start <= now) appendLog(site, downtimeEntry(start, obj, 'STARTED'));
    if (end <= now) appendLog(site, downtimeEntry(end, obj, 'STOPPED'));
  }
  return sim;
}

// ------------------------------------------------------------------ the reference, from raw state

export interface RefTotals {
  hosts: Record<string, number>;
  services: Record<string, number>;
}

/** Thruk's /hosts/totals and /services/totals, from the records (thruk-rest-reference §5.8). */
export function refTotals(sim: Simulator): RefTotals {
  const hosts: Record<string, number> = { total: 0, pending: 0, up: 0, down: 0, unreachable: 0, down_and_unhandled: 0, unreachable_and_unhandled: 0 };
  const services: Record<string, number> = { total: 0, pending: 0, ok: 0, warning: 0, critical: 0, unknown: 0, warning_and_unhandled: 0, critical_and_unhandled: 0, unknown_and_unhandled: 0 };
  const hostWord = ['up', 'down', 'unreachable'];
  const svcWord = ['ok', 'warning', 'critical', 'unknown'];
  for (const site of sim.state.sites) {
    for (const h of site.hosts) {
      hosts.total!++;
      if (!h.hasBeenChecked) { hosts.pending!++; continue; }
      const w = hostWord[h.state] as string;
      hosts[w]!++;
      if (h.state !== 0 && h.activeChecksEnabled && h.ackType === 0 && h.scheduledDowntimeDepth === 0) hosts[`${w}_and_unhandled`]!++;
    }
    for (const s of site.services) {
      services.total!++;
      if (!s.hasBeenChecked) { services.pending!++; continue; }
      const w = svcWord[s.state] as string;
      services[w]!++;
      const host = s.host;
      if (s.state !== 0 && s.ackType === 0 && s.scheduledDowntimeDepth === 0 && host.state === 0 && host.ackType === 0 && host.scheduledDowntimeDepth === 0) services[`${w}_and_unhandled`]!++;
    }
  }
  return { hosts, services };
}

/** name(@core when several) → state word, PENDING for never-checked objects. */
export function refHostStates(sim: Simulator): Map<string, string> {
  const out = new Map<string, string>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const h of site.hosts) out.set(multi ? `${h.name}@${site.name}` : h.name, h.hasBeenChecked ? (['UP', 'DOWN', 'UNREACHABLE'][h.state] as string) : 'PENDING');
  }
  return out;
}

export function refServiceStates(sim: Simulator): Map<string, string> {
  const out = new Map<string, string>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const s of site.services) {
      const key = `${s.host.name};${s.description}${multi ? `@${site.name}` : ''}`;
      out.set(key, s.hasBeenChecked ? (['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][s.state] as string) : 'PENDING');
    }
  }
  return out;
}

/** Downtimes (all, and in effect at `now`: fixed ones by their window) and comments. */
export function refCounts(sim: Simulator, now: number): { downtimes: number; activeDowntimes: number; comments: number } {
  let downtimes = 0;
  let activeDowntimes = 0;
  let comments = 0;
  for (const site of sim.state.sites) {
    // A core deletes a downtime when it ends.
    downtimes += site.downtimes.filter((d) => !(d.fixed && d.endTime <= now)).length;
    activeDowntimes += site.downtimes.filter((d) => (d.fixed ? d.startTime <= now && now < d.endTime : d.triggerTime > 0 && now < d.triggerTime + d.duration)).length;
    // ... and the comment it added with it.
    const gone = new Set(site.downtimes.filter((d) => d.fixed && d.endTime <= now).map((d) => d.commentId));
    comments += site.comments.filter((c) => !gone.has(c.id)).length;
  }
  return { downtimes, activeDowntimes, comments };
}

/** Non-OK HOST ALERT / SERVICE ALERT rows per object in [since, until] (what "noisy" ranks). */
export function refAlertCounts(sim: Simulator, since: number, until: number, kind: 'HOST' | 'SERVICE'): Map<string, number> {
  const out = new Map<string, number>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.time < since || e.time > until || e.type !== `${kind} ALERT` || e.state === 0) continue;
      const key = `${e.hostName ?? ''}${kind === 'SERVICE' ? `;${e.serviceDescription ?? ''}` : ''}${multi ? `@${site.name}` : ''}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** Objects with FLAPPING ALERT rows in the window: key → started/stopped. */
export function refFlapping(sim: Simulator, since: number, until: number): Map<string, { started: number; stopped: number }> {
  const out = new Map<string, { started: number; stopped: number }>();
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.time < since || e.time > until || !/ FLAPPING ALERT$/.test(e.type)) continue;
      const key = `${e.hostName ?? ''};${e.serviceDescription ?? ''}`;
      const v = out.get(key) ?? { started: 0, stopped: 0 };
      if (e.stateType === 'STARTED') v.started++; else if (e.stateType === 'STOPPED') v.stopped++;
      out.set(key, v);
    }
  }
  return out;
}

export interface RefRootCause {
  affected: number;
  down: number;
  unreachable: number;
  /** root key (name@site) → impacted count */
  roots: Map<string, number>;
  unattributed: number;
}

/**
 * Root causes over [since, now] with the current state (include_current, no filter): affected =
 * failing now or a non-OK HOST ALERT in the window; class = state now when failing, else DOWN
 * if a DOWN alert, else UNREACHABLE; root = topmost DOWN host on the parent chain (same core).
 */
export function refRootCause(sim: Simulator, since: number, until: number, inScope: (h: HostRecord) => boolean = () => true): RefRootCause {
  const roots = new Map<string, number>();
  let affected = 0;
  let down = 0;
  let unattributed = 0;
  for (const site of sim.state.sites) {
    const alerts = new Map<string, Set<number>>();
    for (const e of site.logs) {
      if (e.time < since || e.time > until || e.type !== 'HOST ALERT' || (e.state !== 1 && e.state !== 2) || e.hostName === null) continue;
      const set = alerts.get(e.hostName) ?? new Set<number>();
      set.add(e.state);
      alerts.set(e.hostName, set);
    }
    const cls = new Map<HostRecord, number>();
    for (const h of site.hosts) {
      if (!inScope(h)) continue;
      if (h.hasBeenChecked && (h.state === 1 || h.state === 2)) cls.set(h, h.state);
      else if (alerts.has(h.name)) cls.set(h, alerts.get(h.name)?.has(1) === true ? 1 : 2);
    }
    // Outside the scope a host counts as DOWN when it is DOWN now or had a DOWN alert in the window.
    const isDown = (h: HostRecord): boolean => (cls.has(h) ? cls.get(h) === 1 : (h.hasBeenChecked && h.state === 1) || alerts.get(h.name)?.has(1) === true);
    const downAbove = (h: HostRecord): HostRecord[] => {
      const out: HostRecord[] = [];
      const seen = new Set<HostRecord>();
      const stack = [h];
      while (stack.length > 0) {
        const n = stack.pop() as HostRecord;
        if (seen.has(n)) continue;
        seen.add(n);
        if (isDown(n)) out.push(n);
        stack.push(...n.parents);
      }
      return out;
    };
    for (const [h, c] of cls) {
      affected++;
      if (c === 1) down++;
      const downs = downAbove(h).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const top = downs.find((d) => downAbove(d).every((x) => x === d)) ?? downs[0];
      if (top === undefined) { unattributed++; continue; }
      const key = sim.state.sites.length > 1 ? `${top.name}@${site.name}` : top.name;
      roots.set(key, (roots.get(key) ?? 0) + 1);
    }
  }
  return { affected, down, unreachable: affected - down, roots, unattributed };
}

export interface RefAvail { up: number; down: number; unreachable: number; nodata: number; scheduledBad: number }

/**
 * A host's time per state in [since, until] from its log rows: HARD HOST ALERTs and the
 * INITIAL/CURRENT HOST STATE lines set the state, HOST DOWNTIME ALERT STARTED/STOPPED the
 * downtime; before the first known state there is no data.
 */
export function refHostAvailability(site: SiteState, host: string, since: number, until: number): RefAvail {
  const out: RefAvail = { up: 0, down: 0, unreachable: 0, nodata: 0, scheduledBad: 0 };
  const rows = site.logs.filter((e) => e.hostName === host && e.serviceDescription === null && (
    (e.type === 'HOST ALERT' && e.stateType === 'HARD') || e.type === 'INITIAL HOST STATE' || e.type === 'CURRENT HOST STATE' || e.type === 'HOST DOWNTIME ALERT'));
  let state: number | undefined;
  let inDowntime = false;
  let t = since;
  const account = (to: number): void => {
    const len = Math.max(0, Math.min(to, until) - t);
    if (len === 0) return;
    if (state === undefined) out.nodata += len;
    else if (state === 0) out.up += len;
    else {
      if (state === 1) out.down += len; else out.unreachable += len;
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
function problemIntervals(site: SiteState, host: string, service: string | null, since: number, until: number, carry: boolean, hardOnly: boolean): Interval[] {
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
      if (open === undefined) { open = e.time; hard = false; }
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
  const strict = [...problemIntervals(site, host, null, since, until, false, true), ...h.services.flatMap((s) => problemIntervals(site, host, s.description, since, until, false, true))];
  const hostLoose = problemIntervals(site, host, null, since, until, true, false);
  let upper = unionLength(hostLoose);
  for (const s of h.services) {
    const svc = problemIntervals(site, host, s.description, since, until, true, false);
    upper += unionLength([...hostLoose, ...svc]) - unionLength(hostLoose);
  }
  return { lower: unionLength(strict), upper };
}

/**
 * Stale checks at `now` (latency not judged): never checked; passive results older than
 * passiveMax + grace; disabled active checks. The simulated scheduler runs every enabled active
 * check on time (its last_check advances with the clock), so none of those is stale.
 */
export function refStale(sim: Simulator, now: number, o: { grace: number; passiveMax: number }): Record<string, number> {
  const out: Record<string, number> = {};
  const bump = (k: string): void => { out[k] = (out[k] ?? 0) + 1; };
  for (const site of sim.state.sites) {
    for (const c of [...site.hosts, ...site.services] as Checkable[]) {
      if (!c.hasBeenChecked) { bump('never_checked'); continue; }
      const age = c.lastCheck > 0 ? now - c.lastCheck : null;
      if (c.checkType === 1) {
        if (age !== null && age > o.passiveMax + o.grace) bump('stale_passive');
        continue;
      }
      if (!c.activeChecksEnabled) bump('disabled');
    }
  }
  return out;
}

/** A service's time per state in [since, until] (ok, warning, critical, unknown, no data; scheduled CRITICAL/UNKNOWN). */
export function refServiceAvailability(site: SiteState, host: string, service: string, since: number, until: number): { seconds: number[]; nodata: number; scheduledBad: number } {
  const seconds = [0, 0, 0, 0];
  let nodata = 0;
  let scheduledBad = 0;
  const rows = site.logs.filter((e) => e.hostName === host && e.serviceDescription === service && (
    (e.type === 'SERVICE ALERT' && e.stateType === 'HARD') || e.type === 'INITIAL SERVICE STATE' || e.type === 'CURRENT SERVICE STATE' || e.type === 'SERVICE DOWNTIME ALERT'));
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

export interface RefEpisodes { incidents: number; seconds: number; ongoing: boolean }

/**
 * HARD problem episodes per object that start inside [since, until]: from a HARD non-OK alert
 * to the next HARD OK alert (or until, ongoing). Objects with a HARD problem already open at
 * `since` are left out (`carried`), as where such an episode starts is a matter of definition.
 */
export function refEpisodes(sim: Simulator, since: number, until: number, onlySite?: number): { objects: Map<string, RefEpisodes>; carried: Set<string> } {
  const objects = new Map<string, RefEpisodes>();
  const carried = new Set<string>();
  for (const site of sim.state.sites) {
    if (onlySite !== undefined && site.index !== onlySite) continue;
    const open = new Map<string, number>();
    for (const e of site.logs) {
      if ((e.type !== 'HOST ALERT' && e.type !== 'SERVICE ALERT') || e.stateType !== 'HARD' || e.time > until || e.hostName === null) continue;
      const key = `${e.hostName};${e.serviceDescription ?? ''}`;
      if (e.time < since) {
        if (e.state !== 0) carried.add(key); else carried.delete(key);
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

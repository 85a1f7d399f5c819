/**
 * The oracle's reference for the log tools of issue 12's second round: notifications per
 * contact/object/type, alerts per time bucket, bursts of concurrent host failures, DOWN vs
 * UNREACHABLE hosts and a host's incidents. Computed from the simulator's raw log rows and
 * records only (brute force where the tool is clever), never through the tools' code.
 */
import type { Simulator } from '../../src/sim/index.js';
import { refAnswered } from './oracle-ref-window.js';
import type { SiteState } from '../../src/sim/types.js';

const key = (sim: Simulator, site: SiteState, name: string): string => (sim.state.sites.length > 1 ? `${name}@${site.name}` : name);

/** A notification's reason from its type field: a state word is a problem (or a recovery for OK/UP), "X (STATE)" is X. */
export function refReason(type: string): string {
  const word = /^([A-Z_]+)/.exec(type)?.[1] ?? type;
  if (word === 'OK' || word === 'UP' || word === 'RECOVERY') return 'RECOVERY';
  if (['WARNING', 'CRITICAL', 'UNKNOWN', 'DOWN', 'UNREACHABLE'].includes(word)) return 'PROBLEM';
  return word;
}

export interface RefNotifGroup {
  count: number;
  hosts: Set<string>;
  services: Set<string>;
  types: Record<string, number>;
}

/** Notification rows in [since, until] grouped by contact, host (name@core) or host;service. */
export function refNotifications(
  sim: Simulator,
  since: number,
  until: number,
  by: 'contact' | 'host' | 'service',
): { total: number; groups: Map<string, RefNotifGroup> } {
  const groups = new Map<string, RefNotifGroup>();
  let total = 0;
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.class !== 3 || e.time < since || e.time > until || !refAnswered(site, since, e.time)) continue;
      total++;
      const host = key(sim, site, e.hostName ?? '');
      const svc = e.serviceDescription === null ? undefined : `${host};${e.serviceDescription}`;
      const k = by === 'contact' ? (e.contactName ?? '') : by === 'host' ? host : svc;
      if (k === undefined) continue;
      const g = groups.get(k) ?? { count: 0, hosts: new Set<string>(), services: new Set<string>(), types: {} };
      g.count++;
      g.hosts.add(host);
      if (svc !== undefined) g.services.add(svc);
      const reason = refReason(String(e.stateType ?? ''));
      g.types[reason] = (g.types[reason] ?? 0) + 1;
      groups.set(k, g);
    }
  }
  return { total, groups };
}

/** HOST/SERVICE ALERT rows per UTC-aligned bucket of `size` seconds over [since, until]. */
export function refAlertBuckets(sim: Simulator, since: number, until: number, size: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let b = Math.floor(since / size) * size; b <= until; b += size) out.set(b, 0);
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.time < since || e.time > until || !refAnswered(site, since, e.time) || (e.type !== 'HOST ALERT' && e.type !== 'SERVICE ALERT'))
        continue;
      const b = Math.floor(e.time / size) * size;
      out.set(b, (out.get(b) ?? 0) + 1);
    }
  }
  return out;
}

export interface RefBurst {
  start: number;
  end: number;
  hosts: Set<string>;
}

/**
 * Bursts, brute force: every DOWN/UNREACHABLE host alert closes a window [t - width, t]; windows
 * holding at least minHosts distinct hosts are kept, and windows that overlap or touch (the next
 * one starts at or before the previous one ends) are one burst with every host of its windows.
 */
export function refBursts(
  sim: Simulator,
  since: number,
  until: number,
  width: number,
  minHosts: number,
): { events: number; bursts: RefBurst[] } {
  const ev: Array<{ time: number; host: string }> = [];
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (
        e.type !== 'HOST ALERT' ||
        e.state < 1 ||
        e.time < since ||
        e.time > until ||
        !refAnswered(site, since, e.time) ||
        e.hostName === null
      )
        continue;
      ev.push({ time: e.time, host: key(sim, site, e.hostName) });
    }
  }
  ev.sort((a, b) => a.time - b.time);
  const bursts: RefBurst[] = [];
  for (const last of ev) {
    const inside = ev.filter((x) => x.time >= last.time - width && x.time <= last.time);
    const hosts = new Set(inside.map((x) => x.host));
    if (hosts.size < minHosts) continue;
    const start = Math.min(...inside.map((x) => x.time));
    const prev = bursts.at(-1);
    if (prev !== undefined && start <= prev.end) {
      prev.end = Math.max(prev.end, last.time);
      for (const h of hosts) prev.hosts.add(h);
    } else bursts.push({ start, end: last.time, hosts });
  }
  return { events: ev.length, bursts };
}

/** Hosts DOWN / UNREACHABLE in [since, until] by their alerts, plus (live) those in that state now. */
export function refDownVsUnreachable(
  sim: Simulator,
  since: number,
  until: number,
  live: boolean,
): { down: Set<string>; unreachable: Set<string> } {
  const down = new Set<string>();
  const unreachable = new Set<string>();
  for (const site of sim.state.sites) {
    for (const e of site.logs) {
      if (e.type !== 'HOST ALERT' || e.time < since || e.time > until || e.hostName === null) continue;
      if (e.state === 1) down.add(key(sim, site, e.hostName));
      if (e.state === 2) unreachable.add(key(sim, site, e.hostName));
    }
    if (!live) continue;
    for (const h of site.hosts) {
      if (!h.hasBeenChecked) continue;
      if (h.state === 1) down.add(key(sim, site, h.name));
      if (h.state === 2) unreachable.add(key(sim, site, h.name));
    }
  }
  return { down, unreachable };
}

export interface RefIncident {
  service: string | null;
  start: number;
  end: number;
}

/**
 * One object's HARD problems in [since, until] from its alert rows: it is in trouble from its first
 * non-OK alert (or from `since` when the last state known before the window, from alerts or
 * state lines of the week before, is non-OK) until the next OK alert (or `until`); problems that
 * never became HARD are not incidents.
 */
function objectIncidents(site: SiteState, host: string, service: string | null, since: number, until: number): RefIncident[] {
  const alert = service === null ? 'HOST ALERT' : 'SERVICE ALERT';
  const snap = service === null ? /^(INITIAL|CURRENT) HOST STATE$/ : /^(INITIAL|CURRENT) SERVICE STATE$/;
  const mine = site.logs.filter(
    (e) => e.hostName === host && e.serviceDescription === service && e.time <= until && e.time >= since - 7 * 86400,
  );
  let before: number | undefined;
  let beforeAt = -1;
  for (const e of mine) {
    if (e.time >= since) break;
    const isAlert = e.type === alert;
    if (!isAlert && !(snap.test(e.type) && e.pluginOutput !== '')) continue;
    // An alert wins over a state line of the same second.
    if (e.time > beforeAt || isAlert) {
      before = e.state;
      beforeAt = e.time;
    }
  }
  const out: RefIncident[] = [];
  let open: { start: number; hard: boolean } | undefined = before !== undefined && before !== 0 ? { start: since, hard: true } : undefined;
  for (const e of mine) {
    if (e.time < since || e.type !== alert) continue;
    if (e.state !== 0) {
      if (open === undefined) open = { start: e.time, hard: e.stateType === 'HARD' };
      else open.hard ||= e.stateType === 'HARD';
    } else if (open !== undefined) {
      if (open.hard) out.push({ service, start: open.start, end: e.time });
      open = undefined;
    }
  }
  if (open?.hard === true) out.push({ service, start: open.start, end: until });
  return out;
}

/** Seconds before a host outage within which a service problem of that host is part of it (the service check saw it first). */
export const LEAD_S = 300;

/**
 * A host's incidents in the window: its own outages, and its services' problems that did not
 * begin with one of them (from LEAD_S before the outage to its end). A service problem that began
 * with its host's outage is that outage, not an incident of its own.
 */
export function refHostIncidents(site: SiteState, host: string, since: number, until: number): { own: RefIncident[]; underHost: number } {
  const h = site.hostByName.get(host);
  if (h === undefined) return { own: [], underHost: 0 };
  const outages = objectIncidents(site, host, null, since, until);
  const own = [...outages];
  let underHost = 0;
  for (const s of h.services) {
    for (const i of objectIncidents(site, host, s.description, since, until)) {
      if (outages.some((o) => i.start >= o.start - LEAD_S && i.start <= o.end)) underHost++;
      else own.push(i);
    }
  }
  return { own, underHost };
}

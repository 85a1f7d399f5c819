/**
 * The oracle's reference for live state (test/helpers/oracle.ts builds the scenarios): what
 * Thruk's counters, lists, downtime/comment tables, stale checks and the root-cause attribution
 * must say, computed from the simulator's records only (thruk-rest-reference.md §5.8 for the
 * counters), never through the tools' code.
 */
import type { Simulator } from '../../src/sim/index.js';
import type { Checkable, HostRecord } from '../../src/sim/types.js';

export interface RefTotals {
  hosts: Record<string, number>;
  services: Record<string, number>;
}

/**
 * Thruk's /hosts/totals and /services/totals, from the records (thruk-rest-reference §5.8), with
 * the one rule every tool follows (issue 12): a host problem is unhandled when it is neither
 * acknowledged nor in downtime, whether its checks are active or not (Thruk's own host totals
 * also need active checks enabled, which hid passive DOWN hosts).
 */
export function refTotals(sim: Simulator, inScope: (h: HostRecord) => boolean = () => true): RefTotals {
  const hosts: Record<string, number> = {
    total: 0,
    pending: 0,
    up: 0,
    down: 0,
    unreachable: 0,
    down_and_unhandled: 0,
    unreachable_and_unhandled: 0,
  };
  const services: Record<string, number> = {
    total: 0,
    pending: 0,
    ok: 0,
    warning: 0,
    critical: 0,
    unknown: 0,
    warning_and_unhandled: 0,
    critical_and_unhandled: 0,
    unknown_and_unhandled: 0,
  };
  const hostWord = ['up', 'down', 'unreachable'];
  const svcWord = ['ok', 'warning', 'critical', 'unknown'];
  for (const site of sim.state.sites) {
    for (const h of site.hosts) {
      if (!inScope(h)) continue;
      hosts.total!++;
      if (!h.hasBeenChecked) {
        hosts.pending!++;
        continue;
      }
      const w = hostWord[h.state] as string;
      hosts[w]!++;
      if (h.state !== 0 && h.ackType === 0 && h.scheduledDowntimeDepth === 0) hosts[`${w}_and_unhandled`]!++;
    }
    for (const s of site.services) {
      if (!inScope(s.host)) continue;
      services.total!++;
      if (!s.hasBeenChecked) {
        services.pending!++;
        continue;
      }
      const w = svcWord[s.state] as string;
      services[w]!++;
      const host = s.host;
      if (
        s.state !== 0 &&
        s.ackType === 0 &&
        s.scheduledDowntimeDepth === 0 &&
        host.state === 0 &&
        host.ackType === 0 &&
        host.scheduledDowntimeDepth === 0
      )
        services[`${w}_and_unhandled`]!++;
    }
  }
  return { hosts, services };
}

/** name(@core when several) → state word, PENDING for never-checked objects. */
export function refHostStates(sim: Simulator): Map<string, string> {
  const out = new Map<string, string>();
  const multi = sim.state.sites.length > 1;
  for (const site of sim.state.sites) {
    for (const h of site.hosts)
      out.set(multi ? `${h.name}@${site.name}` : h.name, h.hasBeenChecked ? (['UP', 'DOWN', 'UNREACHABLE'][h.state] as string) : 'PENDING');
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
    activeDowntimes += site.downtimes.filter((d) =>
      d.fixed ? d.startTime <= now && now < d.endTime : d.triggerTime > 0 && now < d.triggerTime + d.duration,
    ).length;
    // ... and the comment it added with it.
    const gone = new Set(site.downtimes.filter((d) => d.fixed && d.endTime <= now).map((d) => d.commentId));
    comments += site.comments.filter((c) => !gone.has(c.id)).length;
  }
  return { downtimes, activeDowntimes, comments };
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
    const isDown = (h: HostRecord): boolean =>
      cls.has(h) ? cls.get(h) === 1 : (h.hasBeenChecked && h.state === 1) || alerts.get(h.name)?.has(1) === true;
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
      if (top === undefined) {
        unattributed++;
        continue;
      }
      const key = sim.state.sites.length > 1 ? `${top.name}@${site.name}` : top.name;
      roots.set(key, (roots.get(key) ?? 0) + 1);
    }
  }
  return { affected, down, unreachable: affected - down, roots, unattributed };
}

/**
 * Stale checks at `now` (latency not judged): never checked; passive results older than
 * passiveMax + grace; disabled active checks. The simulated scheduler runs every enabled active
 * check on time (its last_check advances with the clock), so none of those is stale.
 */
export function refStale(sim: Simulator, now: number, o: { grace: number; passiveMax: number }): Record<string, number> {
  const out: Record<string, number> = {};
  const bump = (k: string): void => {
    out[k] = (out[k] ?? 0) + 1;
  };
  for (const site of sim.state.sites) {
    for (const c of [...site.hosts, ...site.services] as Checkable[]) {
      if (!c.hasBeenChecked) {
        bump('never_checked');
        continue;
      }
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

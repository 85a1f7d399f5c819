/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** Oracle properties over live state: counters, lists, downtimes/comments, root causes, stale checks, unhandled problems. */
import assert from 'node:assert/strict';
import type { Harness } from './loose.js';
import { allPages, epoch, ok, sub, type Property } from './oracle-common.js';
import { refCounts, refHostStates, refRootCause, refServiceStates, refStale, refTotals } from './oracle-ref.js';

/** Counters: thruk_totals, thruk_problem_counts, thruk_problems' counts. */
export const counters: Property = async (h) => {
  const ref = refTotals(h.sim);
  const t = await ok(h, 'thruk_totals');
  assert.deepEqual(sub(t.structured.hosts, Object.keys(ref.hosts)), ref.hosts, 'thruk_totals hosts');
  assert.deepEqual(sub(t.structured.services, Object.keys(ref.services)), ref.services, 'thruk_totals services');
  const pc = await ok(h, 'thruk_problem_counts');
  for (const k of ['down', 'unreachable', 'down_and_unhandled', 'unreachable_and_unhandled'])
    assert.equal(pc.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_problem_counts hosts.${k}`);
  for (const k of ['warning', 'critical', 'unknown', 'warning_and_unhandled', 'critical_and_unhandled', 'unknown_and_unhandled'])
    assert.equal(pc.structured.services[k] ?? 0, ref.services[k], `thruk_problem_counts services.${k}`);
  const p = await ok(h, 'thruk_problems', { limit: 1000 });
  for (const k of ['down', 'unreachable'])
    assert.equal(p.structured.counts.hosts[k] ?? 0, ref.hosts[k], `thruk_problems counts.hosts.${k}`);
  for (const k of ['warning', 'critical', 'unknown'])
    assert.equal(p.structured.counts.services[k] ?? 0, ref.services[k], `thruk_problems counts.services.${k}`);
  // thruk_problems' rule, written out again: a host problem is handled when acknowledged or in
  // downtime; a service problem also when its host is.
  let hostUnhandled = 0;
  let hostProblems = 0;
  let svcUnhandled = 0;
  for (const site of h.sim.state.sites) {
    for (const x of site.hosts) {
      if (!x.hasBeenChecked || x.state === 0) continue;
      hostProblems++;
      if (x.ackType === 0 && x.scheduledDowntimeDepth === 0) hostUnhandled++;
    }
    for (const x of site.services) {
      if (!x.hasBeenChecked || x.state === 0) continue;
      if (
        x.ackType === 0 &&
        x.scheduledDowntimeDepth === 0 &&
        x.host.state === 0 &&
        x.host.ackType === 0 &&
        x.host.scheduledDowntimeDepth === 0
      )
        svcUnhandled++;
    }
  }
  assert.equal(p.structured.counts.hosts.unhandled ?? 0, hostUnhandled, 'thruk_problems counts.hosts.unhandled');
  assert.equal(p.structured.counts.hosts.handled ?? 0, hostProblems - hostUnhandled, 'thruk_problems counts.hosts.handled');
  assert.equal(p.structured.counts.services.unhandled ?? 0, svcUnhandled, 'thruk_problems counts.services.unhandled');
  assert.equal(p.structured.total, hostUnhandled + svcUnhandled, 'thruk_problems total (unhandled listed)');
  // The headline says the same numbers as the data.
  assert.match(
    p.text,
    new RegExp(`\\(${hostUnhandled} unhandled, ${hostProblems - hostUnhandled} handled\\)`),
    'thruk_problems host headline',
  );
};

/** thruk_list_hosts / thruk_list_services: totals and the state word of every row. */
export const lists =
  (pending: boolean): Property =>
  async (h) => {
    const hostRef = refHostStates(h.sim);
    const lh = await allPages(h, 'thruk_list_hosts', { limit: 1000 }, 'host');
    assert.equal(lh.total, hostRef.size, 'thruk_list_hosts total');
    const hostRows = new Map(lh.rows.map((r) => [r[0] as string, (r[1] as string).split(' ')[0] as string]));
    for (const [k, want] of hostRef) {
      if ((want === 'PENDING') !== pending) continue;
      assert.equal(hostRows.get(k), want, `thruk_list_hosts state of ${k}`);
    }
    const svcRef = refServiceStates(h.sim);
    const ls = await allPages(h, 'thruk_list_services', { limit: 1000 }, 'host');
    assert.equal(ls.total, svcRef.size, 'thruk_list_services total');
    const got = new Map(
      ls.rows.map((r) => {
        const [host, at] = (r[0] as string).split('@');
        return [`${host};${r[1] as string}${at !== undefined ? `@${at}` : ''}`, (r[2] as string).split(' ')[0] as string];
      }),
    );
    for (const [k, want] of svcRef) {
      if ((want === 'PENDING') !== pending) continue;
      assert.equal(got.get(k), want, `thruk_list_services state of ${k}`);
    }
  };

/** Downtime and comment counts. */
export const handling: Property = async (h) => {
  const ref = refCounts(h.sim, Math.floor(Date.now() / 1000));
  const d = await ok(h, 'thruk_list_downtimes', { limit: 1000 });
  assert.equal(d.structured.total, ref.activeDowntimes, 'thruk_list_downtimes total (active_only by default)');
  const all = await ok(h, 'thruk_list_downtimes', { limit: 1000, active_only: false });
  assert.equal(all.structured.total, ref.downtimes, 'thruk_list_downtimes active_only=false total');
  const c = await ok(h, 'thruk_list_comments', { limit: 1000 });
  assert.equal(c.structured.total, ref.comments, 'thruk_list_comments total');
};

/** Root causes: counts, roots, impacted counts, unattributed; text and data agree. With a host group scope, roots outside it too. */
export const rootCause =
  (group?: string): Property =>
  async (h) => {
    const r = await ok(h, 'thruk_root_cause', {
      limit: 1000,
      sample_limit: 1000,
      ...(group !== undefined ? { filter: { field: 'hostgroup', value: group } } : {}),
    });
    const ref = refRootCause(
      h.sim,
      epoch(r.structured.since),
      epoch(r.structured.until),
      group !== undefined ? (x) => x.groups.includes(group) : undefined,
    );
    const s = r.structured;
    assert.equal(s.total_affected_hosts, ref.affected, 'thruk_root_cause total_affected_hosts');
    assert.equal(s.down_count, ref.down, 'thruk_root_cause down_count');
    assert.equal(s.unreachable_count, ref.unreachable, 'thruk_root_cause unreachable_count');
    assert.equal(s.unattributed_count, ref.unattributed, 'thruk_root_cause unattributed_count');
    const got = new Map(
      (s.root_causes as Array<Record<string, any>>).map((x) => [
        x.core !== undefined ? `${x.root_cause_host}@${x.core}` : x.root_cause_host,
        x.impacted_count,
      ]),
    );
    assert.deepEqual(new Map([...got].sort()), new Map([...ref.roots].sort()), 'thruk_root_cause roots and impacted counts');
    assert.match(
      r.text.split('\n')[0] ?? '',
      new RegExp(
        `: ${ref.affected} affected hosts? \\(${ref.down} DOWN, ${ref.unreachable} UNREACHABLE\\) → ${ref.roots.size} root causes?, ${ref.unattributed} UNREACHABLE unattributed`,
      ),
      'thruk_root_cause headline',
    );
  };

/** thruk_stale_checks: flagged checks per reason (latency left out: its threshold set out of reach). */
export const stale: Property = async (h) => {
  const o = { factor: 2, grace: 60, passiveMax: 3600 };
  const r = await ok(h, 'thruk_stale_checks', {
    staleness_factor: o.factor,
    grace_seconds: o.grace,
    passive_max_age_s: o.passiveMax,
    latency_threshold_s: 86_400,
    limit: 5000,
  });
  const want = refStale(h.sim, epoch(r.structured.now), o);
  assert.deepEqual(r.structured.counts, want, 'thruk_stale_checks counts per reason');
  assert.equal(
    r.structured.total,
    Object.values(want).reduce((a, b) => a + b, 0),
    'thruk_stale_checks total',
  );
};

/** Unhandled problems as thruk_unacked_critical and thruk_oldest_problems define them, from the records. */
export function refUnhandled(
  h: Harness,
  minServiceState: number,
  changedBefore: number | undefined,
): { counts: Record<string, number>; total: number } {
  const counts: Record<string, number> = {};
  const bump = (k: string): void => {
    counts[k] = (counts[k] ?? 0) + 1;
  };
  const old = (lsc: number): boolean => changedBefore === undefined || lsc <= changedBefore;
  for (const site of h.sim.state.sites) {
    for (const x of site.hosts) {
      if (x.hasBeenChecked && x.state !== 0 && x.ackType === 0 && x.scheduledDowntimeDepth === 0 && old(x.lastStateChange))
        bump(x.state === 1 ? 'hosts_down' : 'hosts_unreachable');
    }
    for (const x of site.services) {
      const hostOk = x.host.state === 0 && x.host.ackType === 0 && x.host.scheduledDowntimeDepth === 0;
      if (
        x.hasBeenChecked &&
        x.state >= minServiceState &&
        x.ackType === 0 &&
        x.scheduledDowntimeDepth === 0 &&
        hostOk &&
        old(x.lastStateChange)
      ) {
        bump(`services_${['ok', 'warning', 'critical', 'unknown'][x.state] as string}`);
      }
    }
  }
  return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

/** thruk_unacked_critical and thruk_oldest_problems: who is unhandled, how many, oldest first. */
export const unhandled: Property = async (h) => {
  const u = await ok(h, 'thruk_unacked_critical', { limit: 1000 });
  const ref = refUnhandled(h, 2, epoch(u.structured.changed_before));
  assert.deepEqual(u.structured.counts, ref.counts, 'thruk_unacked_critical counts');
  assert.equal(u.structured.total, ref.total, 'thruk_unacked_critical total');
  const o = await ok(h, 'thruk_oldest_problems', { limit: 1000 });
  assert.equal(o.structured.total, refUnhandled(h, 1, undefined).total, 'thruk_oldest_problems total');
  const since = (o.structured.rows as Array<{ since?: string }>).map((r) => r.since).filter((x): x is string => x !== undefined);
  assert.deepEqual(since, [...since].sort(), 'thruk_oldest_problems: oldest first');
};

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * "Every tool that counts problems agrees with every other" (issue 12): the totals, the problem
 * counts, the detailed stats, the problem list, the unhandled views, the shift brief and the
 * state-filtered lists say the same numbers, and those numbers are the reference's (one rule:
 * a problem is unhandled when it is neither acknowledged nor in downtime, and a service problem
 * also needs its host UP and unhandled itself; a never-checked object is PENDING, never UP/OK).
 */
import assert from 'node:assert/strict';
import { ok, type Property } from './oracle-common.js';
import { refTotals } from './oracle-ref.js';

/** `group`: the same over one host group (a service is in it when its host is), the brief (no scope) left out. */
export const agree =
  (group?: string): Property =>
  async (h) => {
    const scope = group !== undefined ? { filter: { field: 'hostgroup', value: group } } : {};
    const ref = refTotals(h.sim, group !== undefined ? (x) => x.groups.includes(group) : undefined);
    const hostUnhandled = ref.hosts.down_and_unhandled! + ref.hosts.unreachable_and_unhandled!;
    const svcUnhandled = ref.services.warning_and_unhandled! + ref.services.critical_and_unhandled! + ref.services.unknown_and_unhandled!;
    const hostProblems = ref.hosts.down! + ref.hosts.unreachable!;
    const svcProblems = ref.services.warning! + ref.services.critical! + ref.services.unknown!;

    const [t, pc, st, p, u, o, b] = await Promise.all([
      ok(h, 'thruk_totals', scope),
      ok(h, 'thruk_problem_counts', scope),
      ok(h, 'thruk_stats', scope),
      ok(h, 'thruk_problems', { limit: 1, ...scope }),
      ok(h, 'thruk_unacked_critical', { limit: 1, threshold_minutes: 0, ...scope }),
      ok(h, 'thruk_oldest_problems', { limit: 1, ...scope }),
      group === undefined ? ok(h, 'thruk_brief', { limit: 1 }) : Promise.resolve(undefined),
    ]);
    for (const k of ['down', 'unreachable', 'down_and_unhandled', 'unreachable_and_unhandled']) {
      assert.equal(t.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_totals hosts.${k}`);
      assert.equal(pc.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_problem_counts hosts.${k}`);
      assert.equal(st.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_stats hosts.${k}`);
    }
    for (const k of ['warning', 'critical', 'unknown', 'warning_and_unhandled', 'critical_and_unhandled', 'unknown_and_unhandled']) {
      assert.equal(t.structured.services[k] ?? 0, ref.services[k], `thruk_totals services.${k}`);
      assert.equal(pc.structured.services[k] ?? 0, ref.services[k], `thruk_problem_counts services.${k}`);
    }
    for (const k of ['up', 'pending']) assert.equal(t.structured.hosts[k] ?? 0, ref.hosts[k], `thruk_totals hosts.${k}`);
    for (const k of ['ok', 'pending']) assert.equal(t.structured.services[k] ?? 0, ref.services[k], `thruk_totals services.${k}`);
    // The text of thruk_problem_counts says the same as its data.
    assert.match(
      pc.text,
      new RegExp(`down ${ref.hosts.down} \\(${ref.hosts.down_and_unhandled} unhandled\\)`),
      'thruk_problem_counts text (down)',
    );

    const pcHosts = p.structured.counts.hosts as Record<string, number>;
    const pcSvcs = p.structured.counts.services as Record<string, number>;
    assert.equal(pcHosts.unhandled ?? 0, hostUnhandled, 'thruk_problems counts.hosts.unhandled = totals down/unreachable_and_unhandled');
    assert.equal(
      (pcHosts.unhandled ?? 0) + (pcHosts.handled ?? 0),
      hostProblems,
      'thruk_problems host problems = totals down + unreachable',
    );
    assert.equal(pcSvcs.unhandled ?? 0, svcUnhandled, 'thruk_problems counts.services.unhandled = totals *_and_unhandled');
    assert.equal(
      (pcSvcs.unhandled ?? 0) + (pcSvcs.handled ?? 0),
      svcProblems,
      'thruk_problems service problems = totals warning + critical + unknown',
    );
    assert.equal(p.structured.total, hostUnhandled + svcUnhandled, 'thruk_problems total');

    // A problem nobody re-checks (active checks off, not a passive check) is unhandled, and says so.
    const all = await ok(h, 'thruk_problems', { limit: 1000, include_handled: true, ...scope });
    for (const row of all.structured.rows as Array<Record<string, any>>) {
      const site = h.sim.state.sites.find((x) => row.peer_name === undefined || x.name === row.peer_name);
      const host = site?.hostByName.get(row.host);
      const rec = row.kind === 'host' ? host : host?.services.find((x) => x.description === row.service);
      assert.ok(rec, `thruk_problems row ${row.host}/${row.service ?? ''} is an object of the estate`);
      const off = !rec.activeChecksEnabled && rec.checkType === 0;
      assert.equal(row.checks_disabled === true, off, `thruk_problems ${row.host}/${row.service ?? ''}: checks_disabled`);
    }
    assert.equal(
      (all.structured.rows as unknown[]).length,
      hostProblems + svcProblems,
      'thruk_problems include_handled lists every problem',
    );

    // thruk_unacked_critical with changed_before=now: every unhandled host problem and CRITICAL/UNKNOWN service problem.
    const uc = u.structured.counts as Record<string, number>;
    assert.equal((uc.hosts_down ?? 0) + (uc.hosts_unreachable ?? 0), hostUnhandled, 'thruk_unacked_critical hosts = totals unhandled');
    assert.equal(uc.services_critical ?? 0, ref.services.critical_and_unhandled, 'thruk_unacked_critical services_critical');
    assert.equal(uc.services_unknown ?? 0, ref.services.unknown_and_unhandled, 'thruk_unacked_critical services_unknown');
    assert.equal(o.structured.total, hostUnhandled + svcUnhandled, 'thruk_oldest_problems total = every unhandled problem');

    if (b !== undefined) {
      const bu = b.structured.unhandled as { hosts: number; services: number; total: number };
      assert.deepEqual([bu.hosts, bu.services], [hostUnhandled, svcUnhandled], 'thruk_brief unhandled hosts/services');
      assert.equal(b.structured.handled, hostProblems + svcProblems - hostUnhandled - svcUnhandled, 'thruk_brief handled');
    }

    // Lists filtered by state: as many rows as the totals count in that state (pending is not UP/OK).
    for (const [word, key] of [
      ['up', 'up'],
      ['down', 'down'],
      ['unreachable', 'unreachable'],
      ['pending', 'pending'],
    ] as const) {
      const filter =
        group !== undefined
          ? {
              operator: 'and',
              conditions: [
                { field: 'state', value: word },
                { field: 'hostgroup', value: group },
              ],
            }
          : { field: 'state', value: word };
      const l = await ok(h, 'thruk_list_hosts', { filter, limit: 1 });
      assert.equal(l.structured.total, ref.hosts[key], `thruk_list_hosts state=${word} total = totals hosts.${key}`);
    }
    for (const word of ['ok', 'warning', 'critical', 'unknown', 'pending'] as const) {
      const filter =
        group !== undefined
          ? {
              operator: 'and',
              conditions: [
                { field: 'state', value: word },
                { field: 'hostgroup', value: group },
              ],
            }
          : { field: 'state', value: word };
      const l = await ok(h, 'thruk_list_services', { filter, limit: 1 });
      assert.equal(l.structured.total, ref.services[word], `thruk_list_services state=${word} total = totals services.${word}`);
    }
  };

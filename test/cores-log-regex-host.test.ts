/**
 * A regex host filter on log rows, on Naemon and Icinga 2, one core and two (issue 13). Icinga 2's
 * Livestatus leaves host_name null on host-level rows, and a real Thruk 3.20.2 answered 400 ("no
 * datarow has attribute(s) named: host_name") to `host_name ~~ …` on HOST ALERT rows of the Icinga 2
 * core alone (fixtures real-stack/logs_host_alert_q_host_name_regex_*). The tools match the host on
 * the line; counts are checked against the simulator's raw log entries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreFlavour, SiteSpec } from '../src/sim/index.js';
import { connect, type Harness } from './helpers/harness.js';

/** A window from a midnight (a log file start), so Icinga 2's log index skips nothing. */
function window(): { since: number; until: number } {
  const until = Math.floor(Date.now() / 1000);
  const start = until - 2 * 86400;
  return { since: start - (start % 86400), until };
}

const REGEX = '^(app|db|nae-db|nae-app)-0[12]$';

/** HOST ALERT rows of hosts matching REGEX (Thruk's regex is case-insensitive) in the window, per core. */
function rawHostAlerts(h: Harness, w: { since: number; until: number }): Map<string, number> {
  const re = new RegExp(REGEX, 'i');
  const out = new Map<string, number>();
  for (const s of h.sim.state.sites) {
    for (const e of s.logs) {
      if (e.type !== 'HOST ALERT' || e.time < w.since || e.time > w.until || !re.test(e.hostName ?? '')) continue;
      out.set(s.name, (out.get(s.name) ?? 0) + 1);
    }
  }
  return out;
}

const layouts: ReadonlyArray<{ label: string; sites: SiteSpec[] }> = [
  ...(['icinga2', 'naemon'] as const satisfies readonly CoreFlavour[]).map((core) => ({
    label: `${core} alone (default estate)`,
    sites: [{ key: core, core, estate: 'default' as const }],
  })),
  {
    label: 'icinga2 and naemon',
    sites: [
      { key: 'icinga', core: 'icinga2' },
      { key: 'naemon', core: 'naemon' },
    ],
  },
];

describe('a regex host filter on log rows', () => {
  for (const layout of layouts) {
    it(`${layout.label}: host alerts of the matching hosts, counted as the raw log has them, for every core in scope`, async () => {
      const h = await connect({ sim: { sites: layout.sites } });
      try {
        const w = window();
        const want = rawHostAlerts(h, w);
        const total = [...want.values()].reduce((a, b) => a + b, 0);
        assert.ok(total > 0, 'the estate has host alerts of matching hosts');
        const filter = {
          operator: 'and',
          conditions: [
            { field: 'host', op: 'regex', value: REGEX },
            { field: 'type', value: 'HOST ALERT' },
          ],
        };
        const r = await h.call('thruk_list_logs', { since: w.since, until: w.until, limit: 500, filter });
        assert.notEqual(r.isError, true, r.text);
        assert.equal(r.structured.total, total, r.text);
        assert.match(r.text, /host regex "\^\(app\|db\|nae-db\|nae-app\)-0\[12\]\$" is matched as the hosts configured now that match it/);
        // Each core alone: the query that met the 400 on a real Icinga 2 core.
        for (const s of h.sim.state.sites) {
          const one = await h.call('thruk_list_logs', { since: w.since, until: w.until, limit: 500, filter, backends: s.key });
          assert.notEqual(one.isError, true, `${s.name}: ${one.text}`);
          assert.equal(one.structured.total, want.get(s.name) ?? 0, s.name);
          const noisy = await h.call('thruk_top_noisy_hosts', {
            since: new Date(w.since * 1000).toISOString(),
            filter: { field: 'host', op: 'regex', value: REGEX },
            backends: s.key,
            state_type: 'any',
          });
          assert.notEqual(noisy.isError, true, `${s.name}: ${noisy.text}`);
        }
        // nregex: the other hosts' alerts.
        const allAlerts = h.sim.state.sites.flatMap((s) =>
          s.logs.filter((e) => e.type === 'HOST ALERT' && e.time >= w.since && e.time <= w.until),
        ).length;
        const neg = await h.call('thruk_list_logs', {
          since: w.since,
          until: w.until,
          limit: 500,
          filter: {
            operator: 'and',
            conditions: [
              { field: 'host', op: 'nregex', value: REGEX },
              { field: 'type', value: 'HOST ALERT' },
            ],
          },
        });
        assert.notEqual(neg.isError, true, neg.text);
        assert.equal(neg.structured.total, allAlerts - total);
      } finally {
        await h.close();
      }
    });
  }
});

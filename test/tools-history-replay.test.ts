/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, CURRENT_ERA, type Harness } from './helpers/loose.js';
import { command, noNulls, rest } from './tools-history-support.test.js';

const isoOf = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`timeline, state at and state diff over the ${era} era, driven by commands`, () => {
    let h: Harness;
    // The simulator runs a little behind the wall clock the tools use, so its events are in the past.
    const R = Math.floor(Date.now() / 1000);
    const clock = { t: R - 4000 };
    const at = { problem: R - 3600, ack: R - 3000, unack: R - 2400, downtime: R - 1800, dtEnd: R - 1100, recovery: R - 600 };
    const scope = { field: 'host', value: 'web-01' };
    const http = (rows: any[]) => rows.find((r) => r.service === 'http');
    before(async () => {
      h = await connect({ era, sim: { now: () => clock.t * 1000 } });
      clock.t = at.problem;
      await command(h, '/services/web-01/http/cmd/process_service_check_result', {
        plugin_state: 2,
        plugin_output: 'CRITICAL - Socket timeout after 10 seconds',
      });
      clock.t = at.ack;
      await command(h, '/services/web-01/http/cmd/acknowledge_svc_problem', { comment_data: 'looking into it', comment_author: 'alice' });
      clock.t = at.unack;
      await command(h, '/services/web-01/http/cmd/remove_svc_acknowledgement');
      clock.t = at.downtime;
      await command(h, '/services/web-01/http/cmd/schedule_svc_downtime', {
        comment_data: 'vendor fix',
        start_time: 'now',
        end_time: '+10m',
      });
      clock.t = at.dtEnd;
      await rest(h, '/services', { columns: 'description' });
      clock.t = at.recovery;
      await command(h, '/services/web-01/http/cmd/process_service_check_result', {
        plugin_state: 0,
        plugin_output: 'HTTP OK: HTTP/1.1 200 OK',
      });
      clock.t = R - 5;
    });
    after(async () => {
      await h.close();
    });

    it('thruk_state_at replays state, acknowledgement and downtime at each instant', async () => {
      const snap = async (t: number) => {
        const r = await h.call('thruk_state_at', { timestamp: t, filter: scope });
        assert.equal(r.isError, undefined, r.text);
        return r;
      };
      const before = http((await snap(at.problem - 60)).structured.rows);
      assert.equal(before.state, 'OK');
      const crit = await snap(at.problem + 300);
      const c = http(crit.structured.rows);
      assert.deepEqual(
        [c.state, c.state_type, c.since, c.since_human, c.acknowledged, c.in_downtime, c.basis],
        ['CRITICAL', 'HARD', isoOf(at.problem), '5m', false, false, 'log'],
      );
      assert.match(crit.text, /web-01\/http \| CRITICAL \| since .* \(5m\)/);
      noNulls(crit.text);
      assert.equal(http((await snap(at.ack + 300)).structured.rows).acknowledged, true, 'ack from the EXTERNAL COMMAND line');
      assert.equal(http((await snap(at.unack + 300)).structured.rows).acknowledged, false, 'removed by REMOVE_SVC_ACKNOWLEDGEMENT');
      assert.equal(http((await snap(at.downtime + 300)).structured.rows).in_downtime, true);
      const afterDt = http((await snap(at.dtEnd + 60)).structured.rows);
      assert.deepEqual([afterDt.state, afterDt.in_downtime], ['CRITICAL', false]);
      const now = http((await snap(R - 300)).structured.rows);
      assert.deepEqual([now.state, now.since, now.basis], ['OK', isoOf(at.recovery), 'current']);
      const all = await snap(at.problem + 300);
      const svcs = (await rest(h, '/services', { host_name: 'web-01', columns: 'description' })) as unknown[];
      assert.equal(all.structured.summary.total, svcs.length + 1, 'the host and every service, none dropped');
      const only = await h.call('thruk_state_at', { timestamp: at.problem + 300, filter: scope, problems_only: true });
      assert.deepEqual(
        only.structured.rows.map((r: any) => r.service),
        ['http'],
      );
    });

    it('thruk_state_diff classifies what changed between two instants', async () => {
      const diff = async (t1: number, t2: number, f: object = scope) => {
        const r = await h.call('thruk_state_diff', { t1, t2, filter: f });
        assert.equal(r.isError, undefined, r.text);
        return r;
      };
      const d1 = await diff(at.problem - 60, at.problem + 300);
      assert.deepEqual(http(d1.structured.changes), {
        host: 'web-01',
        service: 'http',
        category: 'new_problem',
        from_state: 'OK',
        to_state: 'CRITICAL',
        transitions: 1,
      });
      const swapped = await diff(at.problem + 300, at.problem - 60);
      assert.equal(http(swapped.structured.changes).category, 'new_problem');
      assert.match(swapped.text, /swapped/);
      assert.equal(http((await diff(at.problem + 300, R - 300)).structured.changes).category, 'recovered');
      const ack = http((await diff(at.problem + 300, at.ack + 300)).structured.changes);
      assert.deepEqual([ack.category, ack.acknowledged], ['ack_changed', { from: false, to: true }]);
      const dt = http((await diff(at.unack + 300, at.downtime + 300)).structured.changes);
      assert.deepEqual([dt.category, dt.in_downtime], ['downtime_changed', { from: false, to: true }]);
      const back = await diff(at.problem - 60, R - 300);
      assert.deepEqual([http(back.structured.changes).category, http(back.structured.changes).transitions], ['changed_and_back', 2]);
      assert.equal(
        back.structured.summary.objects,
        back.structured.summary.changed + back.structured.summary.unchanged + (back.structured.summary.by_category.unknown ?? 0),
      );
      const same = await diff(R - 200, R - 100);
      assert.equal(same.structured.summary.changed, 0);
      assert.match(same.text, /nothing changed/);
    });

    it('thruk_incident_timeline tells the story with from → to, acks from command lines, downtime totals', async () => {
      const r = await h.call('thruk_incident_timeline', {
        filter: { operator: 'and', conditions: [scope, { field: 'service', value: 'http' }] },
        since: R - 3900,
      });
      assert.equal(r.isError, undefined, r.text);
      const inc = r.structured.incidents;
      assert.equal(inc.length, 1);
      assert.deepEqual(
        [inc[0].state, inc[0].start, inc[0].end, inc[0].seconds, inc[0].acknowledged_by],
        ['CRITICAL', isoOf(at.problem), isoOf(at.recovery), at.recovery - at.problem, 'alice'],
      );
      const types = r.structured.events.map((e: any) => `${e.type}:${e.detail ?? e.to_state}`);
      for (const t of ['state_change:CRITICAL', 'ack:SET', 'ack:REMOVED', 'downtime:STARTED', 'downtime:STOPPED', 'state_change:OK'])
        assert.ok(types.includes(t), `${t} in ${types.join(' ')}`);
      const rec = r.structured.events.find((e: any) => e.type === 'state_change' && e.to_state === 'OK');
      assert.deepEqual([rec.from_state, rec.after_s], ['CRITICAL', at.recovery - at.problem]);
      assert.equal(r.structured.summary.scheduled_downtime_seconds, at.dtEnd - at.downtime);
      assert.equal(r.structured.summary.mttr_seconds, at.recovery - at.problem);
      assert.equal(r.structured.summary.ongoing, 0);
      assert.match(r.text, /CRITICAL → OK HARD \(after 50m CRITICAL\)/);
      assert.match(r.text, /acknowledged by alice \| looking into it/);
      noNulls(r.text);
    });
  });
}

describe('history replay on the demo estate', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('story 7: was db-02 down last night, and for how long?', async () => {
    const r = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'db-02' }, since: '-2d' });
    const down = r.structured.incidents.find((i: any) => i.service === undefined);
    assert.deepEqual([down.state, down.duration, down.acknowledged_by, down.ongoing], ['DOWN', '1h 25m', 'oncall', false]);
    assert.match(r.text, /db-02 \| DOWN \| \d{4}-\d\d-\d\dT01:10:00Z → \d{4}-\d\d-\d\dT02:35:00Z \| 1h 25m \| acked by oncall/);
    const inFilter = await h.call('thruk_incident_timeline', {
      filter: {
        operator: 'and',
        conditions: [
          { field: 'host', value: 'db-02' },
          { field: 'since', value: '-2d' },
        ],
      },
    });
    // An ongoing incident grows with the clock between the two calls: compare everything else.
    const stable = (xs: any[]) => xs.map((i) => (i.ongoing ? { ...i, seconds: 0, duration: '' } : i));
    assert.deepEqual(
      stable(inFilter.structured.incidents),
      stable(r.structured.incidents),
      'since inside the filter is read like the argument',
    );
    const mid = Date.parse(down.start) / 1000 + 3000;
    const s = await h.call('thruk_state_at', { timestamp: new Date(mid * 1000).toISOString(), filter: { field: 'host', value: 'db-02' } });
    const host = s.structured.rows.find((x: any) => x.service === undefined);
    assert.deepEqual([host.state, host.since, host.since_human, host.acknowledged], ['DOWN', down.start, '50m', true]);
    assert.equal(s.structured.rows[0].service, undefined, 'problems first');
  });

  it('flapping and soft blips are visible; a cut timeline says what was cut', async () => {
    const f = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'app-02' }, since: '-6d' });
    const flap = f.structured.events.filter((e: any) => e.type === 'flapping').map((e: any) => e.detail);
    assert.deepEqual(flap, ['STARTED', 'STOPPED']);
    assert.ok(f.structured.incidents.filter((i: any) => i.service === 'load').length >= 5);
    const blip = await h.call('thruk_incident_timeline', {
      filter: {
        operator: 'and',
        conditions: [
          { field: 'host', value: 'db-01' },
          { field: 'service', value: 'load' },
        ],
      },
      since: '-3d',
    });
    assert.equal(blip.structured.summary.soft_only, 1);
    assert.equal(blip.structured.summary.incidents, 0);
    const cut = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'db-02' }, since: '-2d', limit: 3 });
    assert.equal(cut.structured.events.length, 3);
    assert.equal(cut.structured.truncated, true);
    assert.match(cut.text, /window has \d+ events; showing the newest 3 from \S+Z; narrow the window/);
    // db-02's ping went down with its host: part of the host outage, not an incident of its own.
    assert.equal(cut.structured.incidents.length, 3, 'incidents still counted over the whole window');
    assert.equal(cut.structured.summary.incidents, 2);
  });

  it('never drops an object: unknown when the log does not reach back, unchanged when it did not change', async () => {
    // An instant whose hour before holds no daily rotation (those lines would place every object).
    const n = Math.floor(Date.now() / 1000);
    const t =
      Math.floor((n - 3 * 3600) / 86400) !== Math.floor((n - 4 * 3600) / 86400) || (n - 3 * 3600) % 86400 === 0
        ? n - 2 * 3600
        : n - 3 * 3600;
    const members = (await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'database-servers' })) as Array<{ name: string }>;
    const svcs = (await rest(h, '/services', { columns: 'description', 'host_groups[gte]': 'database-servers' })) as unknown[];
    const r = await h.call('thruk_state_at', {
      timestamp: t,
      filter: { field: 'hostgroup', value: 'database-servers' },
      lookback: '1h',
      limit: 1000,
    });
    assert.equal(r.isError, undefined, r.text);
    assert.equal(r.structured.summary.total, members.length + svcs.length);
    const repl = r.structured.rows.find((x: any) => x.host === 'db-02' && x.service === 'mysql-replication');
    assert.equal(repl.state, '?', 'changed 1.5h ago and the hour before the instant holds no line about it');
    assert.match(repl.note, /unknown: .*history incomplete before/);
    const unchanged = r.structured.rows.filter((x: any) => x.basis === 'current');
    assert.ok(unchanged.length > 10 && unchanged.every((x: any) => x.since !== undefined));
    const wide = await h.call('thruk_state_at', { timestamp: t, filter: { field: 'hostgroup', value: 'database-servers' }, limit: 1000 });
    assert.equal(
      wide.structured.rows.find((x: any) => x.service === 'mysql-replication' && x.host === 'db-02').state,
      'OK',
      'a week of log places it',
    );
  });

  it('refuses what it cannot answer, with a way forward', async () => {
    const future = await h.call('thruk_state_at', { timestamp: '+1h', filter: { field: 'host', value: 'db-02' } });
    assert.equal(future.isError, true);
    assert.match(future.text, /in the future.*thruk_problems/);
    const noFilter = await h.call('thruk_state_at', { timestamp: '-1h' });
    assert.equal(noFilter.isError, true);
    const badLookback = await h.call('thruk_state_diff', {
      t1: '-2h',
      t2: '-1h',
      filter: { field: 'host', value: 'db-02' },
      lookback: '5m',
    });
    assert.equal(badLookback.isError, true);
    assert.match(badLookback.text, /lookback/);
    const none = await h.call('thruk_state_at', { timestamp: '-1h', filter: { field: 'host', value: 'no-such-host' } });
    assert.equal(none.structured.summary.total, 0);
    assert.match(none.text, /no host or service matches/);
    const onlyTime = await h.call('thruk_incident_timeline', { filter: { field: 'since', value: '-1h' } });
    assert.equal(onlyTime.isError, true);
    assert.match(onlyTime.text, /name the objects/);
    const hostile = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'db-02\r\nX' } });
    assert.equal(hostile.isError, true);
    const quoted = await h.call('thruk_state_diff', { t1: '-2h', t2: 'now', filter: { field: 'host', value: 'we\'ird "name" \\ ü' } });
    assert.equal(quoted.isError, undefined, quoted.text);
    assert.equal(quoted.structured.summary.objects, 0);
  });
});

describe('history tools on a large estate', () => {
  let h: Harness;
  before(async () => {
    h = await connect({ sim: { hosts: 500 } });
  });
  after(async () => {
    await h.close();
  });

  it('says exactly how much of a big window it can page, and how to get the rest', async () => {
    const now = Math.floor(Date.now() / 1000);
    const total = (
      (await h.sim
        .fetch(
          new Request(`http://sim.invalid/demo/thruk/r/logs?time[gte]=${now - 7 * 86400}&time[lte]=${now}&columns=count(*)`, {
            headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey },
          }),
        )
        .then((x) => x.json())) as any
    )['count(*)'];
    assert.ok(total > 10_000, `big enough (${total})`);
    const r = await h.call('thruk_list_logs', { since: now - 7 * 86400, until: now, limit: 50, offset: 9980 });
    assert.equal(r.isError, undefined, r.text);
    assert.equal(r.structured.total, total);
    assert.equal(r.structured.returned, 20);
    assert.equal(r.structured.next_offset, undefined);
    assert.match(
      r.text,
      new RegExp(
        `window has ${total} events; paging reaches the newest 10000 \\(this page was cut from \\S+Z\\); narrow the window or add a filter`,
      ),
    );
    const beyond = await h.call('thruk_list_logs', { since: now - 7 * 86400, until: now, offset: 10_000 });
    assert.equal(beyond.isError, true);
    assert.match(beyond.text, /beyond the 10000 newest events .* move until to the time of the last row you saw/);
    const stateAt = await h.call('thruk_state_at', {
      timestamp: '-6h',
      filter: { field: 'host', op: 'regex', value: '^branch-router-01' },
      limit: 1000,
    });
    const unknown = stateAt.structured.rows.filter((x: any) => x.state === '?');
    assert.ok(unknown.length > 0, 'copies beyond the hosts with history cannot be placed');
    assert.ok(unknown.every((x: any) => /history incomplete before/.test(x.note)));
  });
});

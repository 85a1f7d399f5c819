/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, CURRENT_ERA, type Harness } from './helpers/loose.js';
import { icinga2Quirks, noNulls, rest } from './tools-history-support.test.js';

const HISTORY_TOOLS = [
  'thruk_list_logs',
  'thruk_list_alerts',
  'thruk_list_notifications',
  'thruk_notification_summary',
  'thruk_recent_events',
  'thruk_incident_timeline',
  'thruk_state_at',
  'thruk_state_diff',
];

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`history list tools over the ${era} protocol era`, () => {
    let h: Harness;
    const now = Math.floor(Date.now() / 1000);
    const week = { since: now - 7 * 86400, until: now };
    const truth = (extra: Record<string, string | number> = {}, sort = '-time') =>
      rest(h, '/logs', {
        'time[gte]': week.since,
        'time[lte]': week.until,
        columns: 'time,type,message,state,host_name',
        sort,
        ...extra,
      }) as Promise<Array<{ time: number; type: string; message: string; state: number }>>;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('lists the history tools, read-only, with output schemas', async () => {
      const { tools } = await h.client.listTools();
      for (const n of HISTORY_TOOLS) {
        const t = tools.find((x) => x.name === n);
        assert.ok(t, `missing ${n}`);
        assert.equal(t.annotations?.readOnlyHint, true);
        assert.ok(t.outputSchema);
      }
    });

    it('thruk_list_logs pages the window newest first, exactly as Thruk has it', async () => {
      const all = await truth();
      const p1 = await h.call('thruk_list_logs', { ...week, limit: 7 });
      assert.equal(p1.isError, undefined, p1.text);
      assert.equal(p1.structured.total, all.length);
      assert.deepEqual(
        p1.structured.rows.map((r: any) => r.message),
        all.slice(0, 7).map((r) => r.message),
      );
      assert.deepEqual(Object.keys(p1.structured.rows[0]).sort(), [
        'class',
        'host_name',
        'message',
        'service_description',
        'state',
        'state_type',
        'time',
        'type',
      ]);
      assert.equal(p1.structured.next_offset, 7);
      const p2 = await h.call('thruk_list_logs', { ...week, limit: 7, offset: 7 });
      assert.deepEqual(
        p2.structured.rows.map((r: any) => r.message),
        all.slice(7, 14).map((r) => r.message),
        'page 2 continues page 1',
      );
      assert.match(p1.text, /^log events 1-7 of \d+, newest first, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ → .*\(7d\)/);
      // The date once per day, then the UTC time of day with its age.
      assert.match(p1.text, /\n\d{4}-\d\d-\d\d:\n\d\d:\d\d:\d\d \(\d+[smhd] ago\) \|/);
      assert.match(p1.text, /Next page: offset=7/);
      noNulls(p1.text);
      const oldest = await h.call('thruk_list_logs', { ...week, limit: 5, sort: 'time' });
      const asc = await truth({}, 'time');
      assert.deepEqual(
        oldest.structured.rows.map((r: any) => r.message),
        asc.slice(0, 5).map((r) => r.message),
      );
      const bad = await h.call('thruk_list_logs', { sort: 'host_name' });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /sort/);
    });

    it('states are words, told host from service by the row type', async () => {
      const r = await h.call('thruk_list_logs', { ...week, limit: 1000, filter: { field: 'class', value: 'alert' } });
      // Rows read `time | ALERT | host[/service] | STATE TYPE | output`; the object cell tells the kind.
      const alerts = r.text
        .split('\n')
        .map((l) => / \| ALERT \| ([^|]+) \| ([^|]+) \| /.exec(l))
        .filter((m): m is RegExpExecArray => m !== null);
      const host = alerts.filter((m) => !(m[1] as string).includes('/'));
      const service = alerts.filter((m) => (m[1] as string).includes('/'));
      assert.ok(host.length > 0 && service.length > 0, `both kinds of alert rows expected:\n${r.text}`);
      for (const m of host) assert.match(m[2] as string, /^(UP|DOWN|UNREACHABLE) (HARD|SOFT)$/, m[0]);
      for (const m of service) assert.match(m[2] as string, /^(OK|WARNING|CRITICAL|UNKNOWN) (HARD|SOFT)$/, m[0]);
    });

    it('thruk_list_alerts: only state changes, state names mapped per kind (DOWN=1 is not WARNING)', async () => {
      const down = await h.call('thruk_list_alerts', { ...week, limit: 1000, filter: { field: 'state', value: 'down' } });
      const hostDown = await truth({ type: 'HOST ALERT', state: 1 });
      assert.equal(down.structured.total, hostDown.length);
      assert.ok(down.structured.rows.every((r: any) => r.type === 'HOST ALERT' && r.state === 1));
      const warn = await h.call('thruk_list_alerts', { ...week, limit: 1000, filter: { field: 'state', value: 'warning' } });
      assert.equal(warn.structured.total, (await truth({ type: 'SERVICE ALERT', state: 1 })).length);
      const both = await h.call('thruk_list_alerts', {
        ...week,
        limit: 1,
        filter: { field: 'state', op: 'in', value: ['down', 'warning'] },
      });
      assert.equal(both.structured.total, down.structured.total + warn.structured.total);
      const notOk = await h.call('thruk_list_alerts', { ...week, limit: 1, filter: { field: 'state', op: 'neq', value: 'ok' } });
      const alerts = (await truth({ class: 1 })).filter((x) => /^(HOST|SERVICE) ALERT$/.test(x.type));
      assert.equal(notOk.structured.total, alerts.filter((x) => x.type === 'HOST ALERT' || x.state !== 0).length);
      const hard = await h.call('thruk_list_alerts', { ...week, limit: 1, filter: { field: 'state_type', value: 'HARD' } });
      assert.ok(hard.structured.total > 0 && hard.structured.total < alerts.length);
      const bad = await h.call('thruk_list_alerts', { filter: { field: 'state', value: 'broken' } });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /Unknown state "broken"/);
    });

    it('filters: host, hostgroup, message regex, custom variable; since inside the filter wins', async () => {
      const db02 = await h.call('thruk_list_logs', { ...week, limit: 1000, filter: { field: 'host', value: 'db-02' } });
      assert.ok(db02.structured.total > 0);
      assert.ok(db02.structured.rows.every((r: any) => r.host_name === 'db-02' || r.type === 'EXTERNAL COMMAND'));
      const everything = await h.call('thruk_list_logs', { ...week, limit: 1000 });
      assert.equal(everything.structured.truncated, true, 'a long page is cut to the answer budget');
      assert.match(everything.text, /cut to fit the answer budget/);
      const cmds = await h.call('thruk_list_logs', {
        ...week,
        filter: {
          operator: 'and',
          conditions: [
            { field: 'host', value: 'db-02' },
            { field: 'class', value: 'command' },
          ],
        },
      });
      assert.ok(
        cmds.structured.rows.some((r: any) => /ACKNOWLEDGE_HOST_PROBLEM;db-02;/.test(r.message)),
        'commands about the host are found on their line',
      );
      assert.match(cmds.text, /\| EXTERNAL COMMAND \| db-02 \| +\| ACKNOWLEDGE_HOST_PROBLEM/);
      assert.ok(db02.structured.rows.some((r: any) => r.type === 'HOST ALERT'));
      const hg = await h.call('thruk_list_logs', { ...week, limit: 1, filter: { field: 'hostgroup', value: 'database-servers' } });
      const members = ((await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'database-servers' })) as Array<{ name: string }>).map(
        (x) => x.name,
      );
      const aboutMember = (x: { type: string; message: string; host_name?: unknown }) =>
        members.includes(String(x.host_name)) ||
        (x.type === 'EXTERNAL COMMAND' && members.includes(x.message.split(': ')[1]?.split(';')[1] ?? ''));
      const truthHg = (await truth()).filter(aboutMember);
      assert.equal(hg.structured.total, truthHg.length);
      const flap = await h.call('thruk_list_logs', { ...week, limit: 100, filter: { field: 'message', value: 'flapping' } });
      assert.ok(flap.structured.total >= 2 && flap.structured.rows.every((r: any) => /flapping/i.test(r.message)));
      const since2h = await h.call('thruk_list_logs', {
        since: '-7d',
        limit: 1,
        filter: {
          operator: 'and',
          conditions: [
            { field: 'since', value: now - 2 * 3600 },
            { field: 'class', value: 1 },
          ],
        },
      });
      assert.match(since2h.text, /\(2h\)/, "the window is the filter's 2 hours");
      const since2hTruth = await rest(h, '/logs', { 'time[gte]': now - 2 * 3600, class: 1, columns: 'time' });
      assert.ok(Math.abs(since2h.structured.total - since2hTruth.length) <= 2);
    });

    it('time windows: until before since, future and empty windows', async () => {
      const rev = await h.call('thruk_list_logs', { since: '-1h', until: '-2h' });
      assert.equal(rev.isError, true);
      assert.match(rev.text, /until is before since/);
      const future = await h.call('thruk_list_logs', { since: '+1h', until: '+2h' });
      assert.equal(future.isError, undefined);
      assert.equal(future.structured.total, 0);
      assert.match(future.text, /^No log events in /);
      const badTime = await h.call('thruk_list_logs', { since: 'last tuesday' });
      assert.equal(badTime.isError, true);
      assert.match(badTime.text, /since: cannot read/);
      const none = await h.call('thruk_list_alerts', { ...week, filter: { field: 'host', value: 'no-such-host' } });
      assert.equal(none.structured.total, 0);
      assert.deepEqual(none.structured.rows, []);
      const pastEnd = await h.call('thruk_list_logs', { ...week, offset: 100000, limit: 5 });
      assert.ok(pastEnd.isError === true || pastEnd.structured.returned === 0);
    });

    it('hostile values: control characters refused, quotes and unicode carried', async () => {
      const nl = await h.call('thruk_list_logs', { filter: { field: 'host', value: 'web-01\nGET /hosts' } });
      assert.equal(nl.isError, true);
      assert.match(nl.text, /line break or control character/);
      const quotes = await h.call('thruk_list_logs', { filter: { field: 'service', value: 'a"b\'c\\d' } });
      assert.equal(quotes.isError, undefined, quotes.text);
      assert.equal(quotes.structured.total, 0);
      const both = await h.call('thruk_list_logs', {
        filter: {
          operator: 'or',
          conditions: [
            { field: 'service', value: 'a"b\'c' },
            { field: 'host', value: 'x' },
          ],
        },
      });
      assert.equal(both.isError, true);
      assert.match(both.text, /both ' and "/);
      const uni = await h.call('thruk_list_logs', { ...week, filter: { field: 'host', value: 'nas-01.example.com' } });
      assert.equal(uni.isError, undefined);
      const lue = await h.call('thruk_list_logs', { filter: { field: 'service', value: 'Lüfter Status' } });
      assert.equal(lue.isError, undefined, lue.text);
      const badRe = await h.call('thruk_list_logs', { filter: { field: 'message', value: '(unclosed' } });
      assert.equal(badRe.isError, true);
      assert.match(badRe.text, /not a valid regular expression/);
    });

    it('columns: a custom list, and "" for every column', async () => {
      const two = await h.call('thruk_list_logs', { ...week, limit: 3, columns: 'time,state,host_name' });
      assert.deepEqual(Object.keys(two.structured.rows[0]).sort(), ['host_name', 'state', 'time']);
      assert.match(two.text, /\ntime \| state \| host_name\n/);
      const all = await h.call('thruk_list_logs', { ...week, limit: 2, columns: '' });
      assert.ok(Object.keys(all.structured.rows[0]).length >= 12);
      const bad = await h.call('thruk_list_logs', { columns: 'time;drop' });
      assert.equal(bad.isError, true);
    });

    it('thruk_recent_events: last hours, only_alerts, since instead of hours', async () => {
      const r = await h.call('thruk_recent_events', { hours: 24, only_alerts: true, limit: 5 });
      const day = await rest(h, '/logs', {
        'time[gte]': Math.floor(Date.now() / 1000) - 86400,
        class: 1,
        'type[regex]': '^(HOST|SERVICE) ALERT$',
        columns: 'time',
      });
      assert.ok(Math.abs(r.structured.total - day.length) <= 2);
      assert.ok(r.structured.rows.every((x: any) => /^(HOST|SERVICE) ALERT$/.test(x.type)));
      const all = await h.call('thruk_recent_events', { since: '-24h', limit: 1 });
      assert.ok(all.structured.total >= r.structured.total);
      assert.match(all.text, /^events 1-1 of \d+, newest first, .*\(1d\)/);
    });

    it('thruk_list_notifications: who was told, with type and state read from the line', async () => {
      const r = await h.call('thruk_list_notifications', { ...week, limit: 200, filter: { field: 'host', value: 'db-02' } });
      assert.equal(r.isError, undefined, r.text);
      const t = (await truth({ class: 3, host_name: 'db-02' })).length;
      assert.equal(r.structured.total, t);
      assert.ok(r.structured.rows.some((x: any) => x.type === 'HOST NOTIFICATION' && x.notification_type === 'ACKNOWLEDGEMENT'));
      assert.deepEqual(Object.keys(r.structured.rows[0]).sort(), [
        'class',
        'command_name',
        'contact_name',
        'host_name',
        'message',
        'notification_type',
        'output',
        'service_description',
        'state',
        'time',
        'type',
      ]);
      assert.match(
        r.text,
        /\| db-02 \| ACKNOWLEDGEMENT \(DOWN\) \| oncall \| notify-by-email \| .*\[oncall: Investigating, disk controller reset\]/,
      );
      const crit = await h.call('thruk_list_notifications', { ...week, limit: 1, filter: { field: 'state', value: 'critical' } });
      const critTruth = (await truth({ class: 3, type: 'SERVICE NOTIFICATION', state: 2 })).length;
      assert.equal(crit.structured.total, critTruth);
      const contact = await h.call('thruk_list_notifications', { ...week, limit: 1, filter: { field: 'contact', value: 'oncall' } });
      assert.equal(contact.structured.total, (await truth({ class: 3, contact_name: 'oncall' })).length);
      const cmp = await h.call('thruk_list_notifications', { filter: { field: 'state', op: 'gt', value: 0 } });
      assert.equal(cmp.isError, true);
      noNulls(r.text);
    });

    it('thruk_notification_summary: Thruk-side counts per contact, groups spread per host group', async () => {
      const r = await h.call('thruk_notification_summary', week);
      assert.equal(r.isError, undefined, r.text);
      const byContact = (await rest(h, '/logs', {
        'time[gte]': week.since,
        'time[lte]': week.until,
        class: 3,
        columns: 'contact_name,count(*):n',
      })) as Array<{ contact_name: string; n: number }>;
      assert.deepEqual(r.structured.results.map((x: any) => [x.group, x.count]).sort(), byContact.map((x) => [x.contact_name, x.n]).sort());
      assert.equal(
        r.structured.total,
        byContact.reduce((a, x) => a + x.n, 0),
      );
      assert.ok(r.structured.results[0].by_type.PROBLEM > 0 && r.structured.results[0].hosts_affected > 0);
      const aggregated = h.sim.requests.filter(
        (q) => q.path === '/logs' && q.params.some(([k, v]) => k === 'columns' && v.includes('count(*):count')),
      );
      assert.ok(aggregated.length > 0, 'counted by Thruk, not by fetching rows');
      const hg = await h.call('thruk_notification_summary', { ...week, group_by: 'hostgroup' });
      assert.ok(
        hg.structured.results.reduce((a: number, x: any) => a + x.count, 0) >= r.structured.total,
        'a host in several groups counts in each',
      );
      assert.match(hg.text, /counts in each/);
      const st = await h.call('thruk_notification_summary', { ...week, group_by: 'state' });
      assert.ok(
        st.structured.results.some((x: any) => x.group === 'DOWN') && st.structured.results.some((x: any) => x.group === 'WARNING'),
      );
      const cmd = await h.call('thruk_notification_summary', { ...week, group_by: 'command' });
      assert.deepEqual(
        cmd.structured.results.map((x: any) => x.group),
        ['notify-by-email'],
      );
      const svc = await h.call('thruk_notification_summary', { ...week, group_by: 'service', limit: 2 });
      assert.equal(svc.structured.results.length, 2);
      assert.match(svc.text, /more groups with fewer notifications not shown; raise limit/);
      const empty = await h.call('thruk_notification_summary', { since: '+1h', until: '+2h' });
      assert.equal(empty.structured.total, 0);
      assert.match(empty.text, /^No notifications in /);
    });
  });
}

describe('history tools on an Icinga 2 log (null host_name on host rows, broken notification columns)', () => {
  let h: Harness;
  const now = Math.floor(Date.now() / 1000);
  const week = { since: now - 7 * 86400, until: now };
  before(async () => {
    h = await connect();
    icinga2Quirks(h);
  });
  after(async () => {
    await h.close();
  });

  it('finds host rows and host notifications by host, and repairs the rows', async () => {
    const alerts = await h.call('thruk_list_alerts', { ...week, limit: 100, filter: { field: 'host', value: 'db-02' } });
    const hostAlerts = alerts.structured.rows.filter((r: any) => r.type === 'HOST ALERT');
    assert.ok(hostAlerts.length >= 3, 'HOST ALERT rows found although host_name is null');
    assert.ok(
      hostAlerts.every((r: any) => r.host_name === 'db-02'),
      'host_name filled from the line',
    );
    assert.match(alerts.text, /host-level rows had no host_name/);
    const n = await h.call('thruk_list_notifications', { ...week, limit: 100, filter: { field: 'host', value: 'db-02' } });
    const hostRows = n.structured.rows.filter((r: any) => r.type === 'HOST NOTIFICATION');
    assert.ok(hostRows.length >= 6);
    assert.ok(hostRows.every((r: any) => r.host_name === 'db-02' && r.command_name === 'notify-by-email'));
    assert.ok(
      hostRows.some((r: any) => r.state === 1),
      'state number repaired (Icinga 2 says 3)',
    );
    assert.match(n.text, /mis-parsed notification columns .* nothing is lost/);
    const down = await h.call('thruk_list_notifications', { ...week, limit: 1, filter: { field: 'state', value: 'down' } });
    assert.ok(down.structured.total > 0, 'state filter works although the column is always 3');
  });

  it('summaries, timelines and replays still see the hosts', async () => {
    const s = await h.call('thruk_notification_summary', { ...week, group_by: 'host' });
    assert.ok(s.structured.results.some((x: any) => x.group === 'db-02' && x.by_type.PROBLEM > 0));
    assert.ok(!s.structured.results.some((x: any) => x.group === ''), 'no empty host group');
    assert.match(s.text, /counted from their log lines, nothing is lost/);
    const t = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'db-02' }, since: '-2d' });
    assert.ok(
      t.structured.incidents.some((i: any) => i.host === 'db-02' && i.service === undefined && i.state === 'DOWN' && i.seconds === 85 * 60),
    );
    assert.ok(t.structured.events.some((e: any) => e.type === 'notification' && e.service === undefined && e.contact === 'oncall'));
    const mid = t.structured.incidents.find((i: any) => i.host === 'db-02' && i.service === undefined);
    const at = await h.call('thruk_state_at', {
      timestamp: Date.parse(mid.start) / 1000 + 1800,
      filter: { field: 'host', value: 'db-02' },
    });
    const host = at.structured.rows.find((r: any) => r.service === undefined);
    assert.deepEqual([host.state, host.acknowledged], ['DOWN', true]);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import type { Simulator } from '../src/sim/index.js';
import { parseThrukTime } from '../src/sim/timeparse.js';

const KEY = 'cmdkey';
const T0 = 1795237158;

function setup(): { s: Simulator; clock: { t: number } } {
  const clock = { t: T0 };
  return { s: createSimulator({ apiKey: KEY, now: () => clock.t * 1000 }), clock };
}

async function get(s: Simulator, path: string): Promise<any> {
  const res = await s.fetch(new Request(`http://sim.invalid/thruk/r${path}`, { headers: { 'X-Thruk-Auth-Key': KEY } }));
  return res.json();
}

async function post(s: Simulator, path: string, body: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const res = await s.fetch(
    new Request(`http://sim.invalid/thruk/r${path}`, {
      method: 'POST',
      headers: { 'X-Thruk-Auth-Key': KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, body: await res.json() };
}

const logTypes = async (s: Simulator, since: number): Promise<string[]> =>
  (await get(s, `/logs?columns=message&time[gte]=${since}&sort=time`)).map((r: any) => r.message.replace(/^\[\d+\] /, ''));

describe('commands', () => {
  it('acknowledge: acknowledged, sticky type, comment entry_type 4, log rows; removal deletes non-persistent comment', async () => {
    const { s } = setup();
    const r = await post(s, '/hosts/win-app-01/cmd/acknowledge_host_problem', {
      comment_data: 'ticket 1',
      sticky_ack: 2,
      persistent_comment: 0,
    });
    assert.deepEqual(r.body, {
      commands: `COMMAND [${T0}] ACKNOWLEDGE_HOST_PROBLEM;win-app-01;2;1;0;(api);ticket 1`,
      message: 'Command successfully submitted',
    });
    const [h] = await get(s, '/hosts/win-app-01?columns=acknowledged,comments');
    assert.equal(h.acknowledged, true);
    assert.equal(s.state.host('win-app-01')?.ackType, 2);
    const c = (await get(s, '/comments?host_name=win-app-01'))[0];
    assert.equal(c.entry_type, 4);
    assert.equal(c.comment, 'ticket 1');
    assert.deepEqual(h.comments, [c.id]);
    const logs = await logTypes(s, T0);
    assert.ok(logs.includes('EXTERNAL COMMAND: ACKNOWLEDGE_HOST_PROBLEM;win-app-01;2;1;0;(api);ticket 1'));
    assert.ok(logs.some((l) => l.startsWith('HOST NOTIFICATION: icingaadmin;win-app-01;ACKNOWLEDGEMENT (DOWN);')));
    await post(s, '/hosts/win-app-01/cmd/remove_host_acknowledgement');
    assert.equal((await get(s, '/hosts/win-app-01?columns=acknowledged'))[0].acknowledged, false);
    assert.deepEqual(await get(s, '/comments?host_name=win-app-01'), []);

    await post(s, '/services/app-02/memory/cmd/acknowledge_svc_problem', {
      comment_data: 'leak',
      persistent_comment: 1,
      comment_author: 'bot',
    });
    await post(s, '/services/app-02/memory/cmd/remove_svc_acknowledgement');
    const kept = await get(s, '/comments?host_name=app-02&columns=author,entry_type');
    assert.deepEqual(kept, [{ author: 'bot', entry_type: 4 }], 'persistent acknowledgement comments survive');
  });

  it('acknowledgements with expiry end by themselves; OK objects cannot be acknowledged', async () => {
    const { s, clock } = setup();
    await post(s, '/services/db-02/mysql-replication/cmd/acknowledge_svc_problem_expire', { comment_data: 'x', end_time: '+10m' });
    assert.equal((await get(s, '/services/db-02/mysql-replication?columns=acknowledged'))[0].acknowledged, true);
    clock.t += 601;
    assert.equal((await get(s, '/services/db-02/mysql-replication?columns=acknowledged'))[0].acknowledged, false);
    await post(s, '/hosts/web-01/cmd/acknowledge_host_problem', { comment_data: 'x' });
    assert.equal((await get(s, '/hosts/web-01?columns=acknowledged'))[0].acknowledged, false);
  });

  it('downtime: listed with host/service, depth raised, comment and log rows; delete removes all of it', async () => {
    const { s } = setup();
    const r = await post(s, '/services/web-02/load/cmd/schedule_svc_downtime', {
      comment_data: 'patching',
      start_time: 'now',
      end_time: '+2h',
    });
    assert.equal(r.body.commands, `COMMAND [${T0}] SCHEDULE_SVC_DOWNTIME;web-02;load;${T0};${T0 + 7200};1;0;0;(api);patching`);
    const dts = await get(s, '/downtimes?host_name=web-02');
    assert.equal(dts.length, 1);
    assert.equal(dts[0].service_description, 'load');
    assert.equal(dts[0].fixed, true);
    assert.equal((await get(s, '/services/web-02/load?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 1);
    const comments = await get(s, '/comments?host_name=web-02&columns=entry_type,service_description');
    assert.deepEqual(comments, [{ entry_type: 2, service_description: 'load' }]);
    assert.ok(
      (await logTypes(s, T0)).includes('SERVICE DOWNTIME ALERT: web-02;load;STARTED; Service has entered a period of scheduled downtime'),
    );
    const del = await post(s, '/services/web-02/load/cmd/del_downtime', { downtime_id: dts[0].id });
    assert.equal(del.body.commands, `COMMAND [${T0}] DEL_SVC_DOWNTIME;${dts[0].id}`);
    assert.deepEqual(await get(s, '/downtimes?host_name=web-02'), []);
    assert.deepEqual(await get(s, '/comments?host_name=web-02'), []);
    assert.equal((await get(s, '/services/web-02/load?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 0);
    const wrong = await post(s, '/hosts/web-01/cmd/del_downtime', { downtime_id: 1 });
    assert.equal(wrong.body.commands, '', 'a downtime of another host is not deleted');
    assert.equal((await get(s, '/downtimes/1')).length, 1);
  });

  it('future and flexible downtimes start with time and problems', async () => {
    const { s, clock } = setup();
    await post(s, '/hosts/web-03/cmd/schedule_host_downtime', { comment_data: 'later', start_time: '+1h', end_time: '+2h' });
    assert.equal((await get(s, '/hosts/web-03?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 0);
    clock.t += 3601;
    assert.equal((await get(s, '/hosts/web-03?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 1);
    clock.t += 3600;
    assert.equal((await get(s, '/hosts/web-03?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 0);
    assert.deepEqual(await get(s, '/downtimes?host_name=web-03'), []);

    await post(s, '/services/mon-01/backup-job/cmd/process_service_check_result', { plugin_state: 0, plugin_output: 'OK' });
    await post(s, '/services/mon-01/backup-job/cmd/schedule_svc_downtime', {
      comment_data: 'flex',
      fixed: 0,
      duration: '30m',
      end_time: '+4h',
    });
    assert.equal((await get(s, '/services/mon-01/backup-job?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 0);
    await post(s, '/services/mon-01/backup-job/cmd/process_service_check_result', { plugin_state: 2, plugin_output: 'CRITICAL - failed' });
    assert.equal((await get(s, '/services/mon-01/backup-job?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 1);
    clock.t += 1801;
    assert.equal((await get(s, '/services/mon-01/backup-job?columns=scheduled_downtime_depth'))[0].scheduled_downtime_depth, 0);
  });

  it('group and propagated downtimes', async () => {
    const { s } = setup();
    await post(s, '/hostgroups/web-servers/cmd/schedule_hostgroup_host_downtime', { comment_data: 'web maintenance' });
    const hosts = (await get(s, '/downtimes?comment=web maintenance&columns=host_name')).map((r: any) => r.host_name).sort();
    assert.deepEqual(hosts, ['web-01', 'web-02', 'web-03', 'web-04']);
    await post(s, '/servicegroups/database-services/cmd/schedule_servicegroup_svc_downtime', { comment_data: 'db' });
    assert.equal((await get(s, '/downtimes?comment=db')).length, 6);
    await post(s, '/hosts/dist-switch-01/cmd/schedule_and_propagate_triggered_host_downtime', { comment_data: 'switch' });
    const prop = await get(s, '/downtimes?comment=switch&columns=host_name,triggered_by,id');
    assert.ok(prop.length >= 8);
    const parent = prop.find((d: any) => d.host_name === 'dist-switch-01');
    assert.equal(parent.triggered_by, null);
    assert.ok(prop.filter((d: any) => d.host_name !== 'dist-switch-01').every((d: any) => d.triggered_by === parent.id));
    await post(s, '/system/cmd/del_downtime_by_host_name', { hostname: 'web-01' });
    assert.equal((await get(s, '/downtimes?host_name=web-01')).length, 0);
  });

  it('passive check results change state and write alert rows; non-sticky acks end on change', async () => {
    const { s } = setup();
    await post(s, '/services/db-02/mysql-replication/cmd/acknowledge_svc_problem', { comment_data: 'x', sticky_ack: 1 });
    const r = await post(s, '/services/db-02/mysql-replication/cmd/process_service_check_result', {
      plugin_state: 1,
      plugin_output: 'WARNING - lag 400s',
      performance_data: 'lag=400s;300;900;0;',
    });
    assert.equal(
      r.body.commands,
      `COMMAND [${T0}] PROCESS_SERVICE_CHECK_RESULT;db-02;mysql-replication;1;WARNING - lag 400s|lag=400s;300;900;0;`,
    );
    const [svc] = await get(
      s,
      '/services/db-02/mysql-replication?columns=state,plugin_output,perf_data,lag,check_type,last_state_change,acknowledged',
    );
    assert.deepEqual(svc, {
      acknowledged: false,
      check_type: 1,
      lag: 400,
      last_state_change: T0,
      perf_data: 'lag=400s;300;900;0;',
      plugin_output: 'WARNING - lag 400s',
      state: 1,
    });
    const logs = await logTypes(s, T0);
    assert.ok(logs.includes('SERVICE ALERT: db-02;mysql-replication;WARNING;HARD;1;WARNING - lag 400s'));
    assert.ok(logs.includes('PASSIVE SERVICE CHECK: db-02;mysql-replication;1;WARNING - lag 400s'));
    const host = await post(s, '/hosts/web-01/cmd/process_host_check_result', { plugin_state: 1, plugin_output: 'DOWN' });
    assert.equal(host.status, 200);
    assert.equal((await get(s, '/hosts/web-01?columns=state'))[0].state, 1);
  });

  it('toggles flags, checks reschedule, test_only does nothing, unknown objects are accepted', async () => {
    const { s, clock } = setup();
    await post(s, '/services/web-04/https-cert/cmd/disable_svc_notifications');
    assert.equal((await get(s, '/services/web-04/https-cert?columns=notifications_enabled'))[0].notifications_enabled, 0);
    await post(s, '/cmd', { cmd: 'enable_svc_notifications', host: 'web-04', service: 'https-cert' });
    assert.equal((await get(s, '/services/web-04/https-cert?columns=notifications_enabled'))[0].notifications_enabled, 1);
    await post(s, '/hostgroups/windows-servers/cmd/disable_hostgroup_svc_checks');
    assert.equal((await get(s, '/services?columns=description&host_groups[gte]=windows-servers&active_checks_enabled=1')).length, 0);
    await post(s, '/system/cmd/disable_notifications');
    assert.equal((await get(s, '/processinfo'))[0].enable_notifications, 0);
    clock.t += 10;
    await post(s, '/services/db-02/mysql-replication/cmd/schedule_forced_svc_check');
    assert.equal((await get(s, '/services/db-02/mysql-replication?columns=last_check'))[0].last_check, T0 + 10);
    const dry = await post(s, '/hosts/web-01/cmd/schedule_host_downtime', { comment_data: 'dry', test_only: 1 });
    assert.match(dry.body.commands, /SCHEDULE_HOST_DOWNTIME;web-01;/);
    assert.deepEqual(await get(s, '/downtimes?comment=dry'), []);
    const ghost = await post(s, '/hosts/no-such-host/cmd/acknowledge_host_problem', { comment_data: 'x' });
    assert.equal(ghost.status, 200);
    assert.equal(ghost.body.message, 'Command successfully submitted');
    const esc = await post(s, `/services/win-app-02/${encodeURIComponent('C:\\ Drive')}/cmd/disable_svc_check`);
    assert.match(esc.body.commands, /DISABLE_SVC_CHECK;win-app-02;C:\\\\ Drive$/);
    assert.equal(
      (await get(s, `/services/win-app-02/${encodeURIComponent('C:\\ Drive')}?columns=active_checks_enabled`))[0].active_checks_enabled,
      0,
    );
  });

  it('comment and downtime deletion variants', async () => {
    const { s, clock } = setup();
    await post(s, '/hosts/web-01/cmd/add_host_comment', { comment_data: 'one' });
    await post(s, '/hosts/web-01/cmd/add_host_comment', { comment_data: 'two', persistent_comment: 0 });
    const [c1, c2] = await get(s, '/comments?host_name=web-01&columns=id,persistent,entry_type&sort=id');
    assert.deepEqual([c1.persistent, c2.persistent, c1.entry_type], [1, 0, 1]);
    const scoped = await post(s, '/hosts/web-01/cmd/del_comment', { comment_id: c1.id });
    assert.equal(scoped.body.commands, `COMMAND [${T0}] DEL_HOST_COMMENT;${c1.id}`);
    assert.equal((await post(s, '/hosts/web-02/cmd/del_comment', { comment_id: c2.id })).body.commands, '');
    await post(s, '/hosts/web-01/cmd/del_all_host_comments');
    assert.deepEqual(await get(s, '/comments?host_name=web-01'), []);

    await post(s, '/hosts/web-01/cmd/schedule_host_downtime', { comment_data: 'now' });
    await post(s, '/hosts/web-01/cmd/schedule_host_downtime', { comment_data: 'later', start_time: '+1d', end_time: '+2d' });
    const active = await post(s, '/hosts/web-01/cmd/del_active_host_downtimes');
    assert.equal(active.body.commands.split('\n').length, 1);
    assert.deepEqual(await get(s, '/downtimes?host_name=web-01&columns=comment'), [{ comment: 'later' }]);
    const later = (await get(s, '/downtimes?host_name=web-01&columns=start_time'))[0].start_time;
    await post(s, '/system/cmd/del_downtime_by_start_time_comment', { start_time: String(later), comment: 'later' });
    assert.deepEqual(await get(s, '/downtimes?host_name=web-01'), []);

    await post(s, '/services/db-02/ssh/cmd/schedule_forced_svc_check', { start_time: '+5m' });
    assert.equal((await get(s, '/services/db-02/ssh?columns=next_check'))[0].next_check, T0 + 300);
    clock.t += 301;
    assert.equal((await get(s, '/services/db-02/ssh?columns=last_check'))[0].last_check, T0 + 300);
    await post(s, '/services/nas-01.example.com/snapshot-age/cmd/schedule_forced_svc_check');
    const [pending] = await get(s, '/services/nas-01.example.com/snapshot-age?columns=has_been_checked,state,plugin_output');
    assert.equal(pending.has_been_checked, 1);
    assert.match(pending.plugin_output, /^OK/);
  });

  it('argument errors: missing, bad time, wrong method, unknown command, raw line on /cmd', async () => {
    const { s } = setup();
    const missing = await post(s, '/hosts/win-app-01/cmd/acknowledge_host_problem');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'missing argument: comment_data');
    assert.match(missing.body.help, /Required arguments:\n\n {2}\* comment_data/);
    const bad = await post(s, '/services/web-02/load/cmd/schedule_svc_downtime', { comment_data: 'x', start_time: 'garbage' });
    assert.deepEqual(
      [bad.status, bad.body.message, bad.body.description],
      [400, 'failed to parse time in start_time', 'garbage is not a valid time definition'],
    );
    const getRes = await s.fetch(
      new Request('http://x/thruk/r/hosts/web-01/cmd/schedule_forced_host_check', { headers: { 'X-Thruk-Auth-Key': KEY } }),
    );
    assert.equal(getRes.status, 400);
    assert.match(((await getRes.json()) as any).description, /are: POST$/);
    const unknown = await post(s, '/hosts/web-01/cmd/no_such_command');
    assert.deepEqual([unknown.status, unknown.body.message], [404, 'no such command']);
    const raw = await post(s, '/cmd', { cmd: 'ENABLE_SVC_NOTIFICATIONS;web-04;https-cert' });
    assert.deepEqual([raw.status, raw.body.message], [400, 'missing argument: system']);
  });

  it('parses Thruk time arguments', () => {
    const now = T0;
    assert.equal(parseThrukTime('1795237158', now), 1795237158);
    assert.equal(parseThrukTime('3600', now), now + 3600);
    assert.equal(parseThrukTime('now', now), now);
    assert.equal(parseThrukTime('+60m', now), now + 3600);
    assert.equal(parseThrukTime('now + 2h', now), now + 7200);
    assert.equal(parseThrukTime('-1d', now), now - 86400);
    assert.equal(parseThrukTime('60m', now), 3600, 'a bare 60m is seconds after the epoch');
    const today = parseThrukTime('today', now) ?? 0;
    assert.ok(today <= now && now - today < 86400);
    assert.equal(parseThrukTime('yesterday', now), today - 86400);
    const d = new Date(2026, 10, 21, 8, 30, 0).getTime() / 1000;
    assert.equal(parseThrukTime('2026-11-21 08:30', now), d);
    assert.equal(parseThrukTime('garbage', now), undefined);
  });
});

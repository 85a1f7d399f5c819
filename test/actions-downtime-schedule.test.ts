/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { fullSchemas, toMcpTool } from '../src/tools/core/adapter.js';
import { deleteActiveDowntimes, deleteDowntime } from '../src/tools/actions/downtime-delete.js';
import { deleteDowntimesByFilter } from '../src/tools/actions/downtime-filter.js';
import { scheduleHostgroupDowntime, scheduleServicegroupDowntime } from '../src/tools/actions/downtime-groups.js';
import { scheduleDowntime, scheduleHostServicesDowntime, schedulePropagatedHostDowntime } from '../src/tools/actions/downtime-schedule.js';
import { allTools } from '../src/tools/core/registry.js';
import { connect, CURRENT_ERA, type Era, type Harness, confirmCall } from './helpers/loose.js';

// The records the registry (src/tools/core/registry.ts) lists for this family.
const downtimeActionTools = [
  scheduleDowntime,
  scheduleHostServicesDowntime,
  schedulePropagatedHostDowntime,
  scheduleHostgroupDowntime,
  scheduleServicegroupDowntime,
  deleteDowntime,
  deleteActiveDowntimes,
  deleteDowntimesByFilter,
];

// Until the lead wires downtimeActionTools into the registry; de-duplicated so this keeps working afterwards.
const tools = [...new Map([...allTools(), ...downtimeActionTools].map((t) => [t.name, t])).values()];
const open = (era: Era, more: Parameters<typeof connect>[0] = {}) => connect({ era, tools, ...more });
const cmdRequests = (h: Harness) => h.sim.requests.filter((r) => /(^|\/)cmd(\/|$)/.test(r.path));
const audits = (logs: string[]) => logs.map((l) => JSON.parse(l)).filter((l) => l.audit === true && l.phase !== 'intent');
const form = (r: { params: Array<[string, string]> }) => Object.fromEntries(r.params);
const nowSec = () => Math.floor(Date.now() / 1000);

async function rest(h: Harness, path: string, q: Record<string, string> = {}): Promise<any[]> {
  const res = await h.sim.fetch(
    new Request(`http://s/thruk/r${path}?${new URLSearchParams(q).toString()}`, { headers: { 'X-Thruk-Auth-Key': 'demo' } }),
  );
  return (await res.json()) as any[];
}
const byComment = async (h: Harness, comment: string) => (await rest(h, '/downtimes')).filter((d) => d.comment === comment);

describe('downtime tool records', () => {
  it('are complete, strict, described, with annotations derived from access', () => {
    assert.equal(downtimeActionTools.length, 8);
    for (const t of downtimeActionTools) {
      assert.ok(t.description.length > 20 && t.description.length <= 420, `${t.name} description length ${t.description.length}`);
      const mcp = toMcpTool(t);
      assert.equal(fullSchemas(t).input.additionalProperties, false, `${t.name} strict`);
      for (const [k, v] of Object.entries(mcp.inputSchema.properties as Record<string, { description?: string }>))
        assert.ok((v.description ?? '').length > 0 || k === 'backends' || k === 'plan_id', `${t.name}.${k} described`);
      const destructive = t.name.startsWith('thruk_delete_');
      assert.equal(t.access, destructive ? 'destructive' : 'write', t.name);
      assert.equal(mcp.annotations?.destructiveHint, destructive);
      assert.equal(mcp.annotations?.readOnlyHint, false);
    }
  });
});

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`schedule downtimes (${era} era)`, () => {
    it('story 4: a host downtime with the exact window, read back with its id, listed, then deleted again', async () => {
      const h = await open(era);
      const before = nowSec();
      const r = await h.call('thruk_schedule_downtime', { host: 'web-01', comment: 'patching OPS-1' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.status, 'done');
      assert.equal(r.structured.results[0].verified, 'yes');
      assert.match(r.structured.commands[0].line, /^SCHEDULE_HOST_DOWNTIME;web-01;(\d{10});(\d{10});1;0;0;thruk-mcp;patching OPS-1$/);
      const [, s, e] = /;(\d{10});(\d{10});/.exec(r.structured.commands[0].line)!;
      assert.ok(Math.abs(Number(s) - before) <= 2);
      assert.equal(Number(e) - Number(s), 7200, 'default window: 2h');
      assert.equal(r.structured.window.start, new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z'));
      assert.match(r.text, /Window: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ → .*\(2h, fixed\)/);
      const rows = await byComment(h, 'patching OPS-1');
      assert.equal(rows.length, 1);
      assert.deepEqual(r.structured.downtime_ids, [rows[0].id]);
      assert.match(r.text, new RegExp(`New downtimes, read back from Thruk .*: #${rows[0].id} web-01@icinga2\\.`));
      assert.deepEqual(
        r.structured.new_downtimes.map((d: any) => [d.id, d.host, d.backend, d.comment]),
        [[rows[0].id, 'web-01', 'icinga2', 'patching OPS-1']],
      );
      assert.equal(rows[0].service_description, null);
      assert.equal(rows[0].author, 'thruk-mcp');
      assert.equal(rows[0].start_time, Number(s));
      const sent = form(cmdRequests(h)[0]!);
      assert.equal(sent.cmd, 'schedule_host_downtime');
      assert.equal(sent.host, 'web-01');
      assert.match(sent.start_time!, /^\d{10}$/, 'always epochs, never relative text');

      const listed = await h.call('thruk_list_downtimes', { filter: { field: 'host', value: 'web-01' } });
      assert.ok(listed.structured.rows.some((x: any) => x.id === rows[0].id));

      const del = await h.call('thruk_delete_downtime', { downtime_id: rows[0].id, confirm: true });
      assert.equal(del.structured.status, 'done', del.text);
      assert.equal(del.structured.results[0].verified, 'yes');
      assert.match(del.text, new RegExp(`#${rows[0].id} web-01@icinga2: ok, verified gone`));
      assert.equal((await byComment(h, 'patching OPS-1')).length, 0);
      const delSent = form(cmdRequests(h)[1]!);
      assert.deepEqual(
        [delSent.cmd, delSent.downtime_id, delSent.host, delSent.service],
        ['del_downtime', String(rows[0].id), 'web-01', undefined],
      );
      const a = audits(h.logs);
      assert.deepEqual(
        a.map((x) => [x.tool, x.outcome]),
        [
          ['thruk_schedule_downtime', 'done'],
          ['thruk_delete_downtime', 'done'],
        ],
      );
      assert.deepEqual(a[0].targets, ['web-01@icinga2']);
      assert.deepEqual(a[1].downtimes, [`#${rows[0].id} web-01@icinga2`]);
      await h.close();
    });

    it('a service downtime later, by duration_minutes; deleting it without naming the service finds it is a service downtime', async () => {
      const h = await open(era);
      const r = await h.call('thruk_schedule_downtime', {
        host: 'web-01',
        service: 'http',
        start_time: '+1h',
        duration_minutes: 90,
        comment: 'LB swap',
      });
      assert.equal(r.structured.status, 'done', r.text);
      const [, s, e] = /^SCHEDULE_SVC_DOWNTIME;web-01;http;(\d+);(\d+);1;0;0;thruk-mcp;LB swap$/.exec(r.structured.commands[0].line)!;
      assert.ok(Math.abs(Number(s) - (nowSec() + 3600)) <= 2);
      assert.equal(Number(e) - Number(s), 5400);
      const id = r.structured.downtime_ids[0];
      const del = await h.call('thruk_delete_downtime', { downtime_id: id, host: 'web-01', confirm: true });
      assert.equal(del.structured.status, 'done', del.text);
      assert.equal(form(cmdRequests(h)[1]!).cmd, 'del_downtime');
      assert.ok(form(cmdRequests(h)[1]!).service, 'scoped to the service');
      assert.equal((await byComment(h, 'LB swap')).length, 0, 'really gone (the anchor sent a host command here: a silent no-op)');
      await h.close();
    });

    it('flexible downtimes need a duration; triggered_by must name an existing downtime', async () => {
      const h = await open(era);
      const parent = await h.call('thruk_schedule_downtime', { host: 'web-02', start_time: '+1h', end_time: '+3h', comment: 'parent' });
      const pid = parent.structured.downtime_ids[0];
      assert.ok(pid > 0, parent.text);
      const flex = await h.call('thruk_schedule_downtime', {
        host: 'web-02',
        service: 'load',
        fixed: false,
        duration: '30m',
        triggered_by: pid,
        start_time: '+1h',
        end_time: '+3h',
        comment: 'flex child',
      });
      assert.equal(flex.structured.status, 'done', flex.text);
      assert.match(
        flex.structured.commands[0].line,
        new RegExp(`^SCHEDULE_SVC_DOWNTIME;web-02;load;\\d+;\\d+;0;${pid};1800;thruk-mcp;flex child$`),
      );
      assert.match(flex.text, /flexible, lasting 30m once a problem starts it, triggered by downtime #/);
      const row = (await byComment(h, 'flex child'))[0];
      assert.deepEqual([row.fixed, row.duration, row.triggered_by], [false, 1800, pid]);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ fixed: false }, /needs duration: how long it lasts/],
        [{ fixed: false, duration: '30' }, /has no unit; write e\.g\. 30m/],
        [{ duration: '30m' }, /only applies to flexible downtimes/],
        [{ triggered_by: 99999 }, /no downtime #99999 on backend icinga2.*change when it reloads/],
      ];
      const sentBefore = cmdRequests(h).length;
      for (const [args, re] of cases) {
        const x = await h.call('thruk_schedule_downtime', { host: 'web-02', ...args });
        assert.equal(x.isError, true, JSON.stringify(args));
        assert.match(x.text, re);
      }
      assert.equal(cmdRequests(h).length, sentBefore);
      await h.close();
    });

    it('dry_run states the exact window and command, sends nothing, and is audited as a preview', async () => {
      const h = await open(era);
      const r = await h.call('thruk_schedule_downtime', {
        host: 'db-01',
        start_time: '2027-01-02T03:00:00+01:00',
        end_time: '2027-01-02T05:30:00+01:00',
        author: 'alice',
        comment: 'upgrade',
        dry_run: true,
      });
      assert.equal(r.structured.status, 'preview', r.text);
      assert.equal(r.structured.commands[0].line, 'SCHEDULE_HOST_DOWNTIME;db-01;1798855200;1798864200;1;0;0;alice;upgrade');
      assert.match(r.text, /nothing was sent/);
      assert.match(r.text, /Window: 2027-01-02T02:00:00Z → 2027-01-02T04:30:00Z \(2h 30m, fixed\)/);
      const g = await h.call('thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', dry_run: true });
      assert.equal(g.structured.status, 'preview');
      assert.equal(g.structured.targets, 4);
      assert.match(g.text, /A real call asks for confirmation first \(covers 4 hosts\)/);
      assert.match(g.text, /^Covers 4 hosts, 1 command:$/m);
      assert.equal(cmdRequests(h).length, 0);
      assert.deepEqual(
        audits(h.logs).map((x) => x.outcome),
        ['preview', 'preview'],
      );
      await h.close();
    });

    it('refuses hostile or wrong input before anything reaches Thruk', async () => {
      const h = await open(era);
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['thruk_schedule_downtime', { host: 'web-01', comment: 'a;b' }, /must not contain ';'/],
        ['thruk_schedule_downtime', { host: 'web-01', comment: 'line one\nSCHEDULE_HOST_DOWNTIME;db-01' }, /single line/],
        ['thruk_schedule_downtime', { host: 'web-01', author: 'eve\r' }, /single line/],
        ['thruk_schedule_downtime', { host: 'web-01', end_time: '-1h' }, /end_time \(.*\) must be after start_time|is in the past/],
        [
          'thruk_schedule_downtime',
          { host: 'web-01', start_time: '-3h', end_time: '-1h' },
          /is in the past: a downtime must end in the future/,
        ],
        ['thruk_schedule_downtime', { host: 'web-01', start_time: '+2h', end_time: '+1h' }, /must be after start_time/],
        [
          'thruk_schedule_downtime',
          { host: 'web-01', start_time: '-3h', end_time: '2h' },
          /'2h' without a sign means that long ago; write \+2h/,
        ],
        ['thruk_schedule_downtime', { host: 'web-01', end_time: 'after lunch' }, /end_time: cannot read/],
        ['thruk_schedule_downtime', { host: 'web-01', start_time: '60' }, /ambiguous/],
        ['thruk_schedule_downtime', { host: 'web-01', start_time: '+400d', end_time: '+401d' }, /more than a year ahead/],
        ['thruk_schedule_downtime', { host: 'web-01', end_time: '+3h', duration_minutes: 30 }, /not both/],
        ['thruk_schedule_downtime', { host: 'web01' }, /No host named 'web01'\. Did you mean 'web-01'/],
        ['thruk_schedule_downtime', { host: 'web-01', service: 'htp' }, /No service on host 'web-01' named 'htp'/],
        ['thruk_schedule_downtime', { host: 'a;b' }, /contains ';'/],
        ['thruk_schedule_hostgroup_downtime', { hostgroup: 'web-server' }, /No host group named 'web-server'\. Did you mean 'web-servers'/],
        ['thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', target: 'everything' }, /target/],
        ['thruk_schedule_servicegroup_downtime', { servicegroup: 'database-services', target: 'host' }, /target/],
      ];
      for (const [tool, args, re] of cases) {
        const r = await h.call(tool, args);
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
        assert.match(r.text, re, `${tool} ${JSON.stringify(args)}`);
      }
      assert.equal(cmdRequests(h).length, 0, 'nothing reached Thruk');
      await h.close();
    });

    it('all services of a host: the preview lists them and asks, then each one gets a downtime (not the host)', async () => {
      const h = await open(era);
      const names = (await rest(h, '/services', { host_name: 'web-03', columns: 'description' })).map((x) => x.description);
      const first = await h.call('thruk_schedule_host_services_downtime', { host: 'web-03', comment: 'kernel' });
      assert.equal(first.structured.status, 'confirmation_required', first.text);
      assert.equal(first.structured.targets, names.length);
      assert.match(first.text, new RegExp(`web-03@icinga2: ${names.length} services: ${names[0]}`));
      assert.match(first.text, /The host itself is not put in downtime/);
      assert.equal(cmdRequests(h).length, 0);
      const r = await confirmCall(h, 'thruk_schedule_host_services_downtime', { host: 'web-03', comment: 'kernel' });
      assert.equal(r.structured.status, 'done', r.text);
      assert.match(r.structured.commands[0].line, /^SCHEDULE_HOST_SVC_DOWNTIME;web-03;/);
      const rows = await byComment(h, 'kernel');
      assert.deepEqual(rows.map((x) => x.service_description).sort(), [...names].sort());
      assert.deepEqual([...r.structured.downtime_ids].sort(), rows.map((x) => x.id).sort());
      await h.close();
    });

    it('a host and its child hosts: children listed, triggered downtimes chained to the parent', async () => {
      const h = await open(era);
      const plain = await h.call('thruk_schedule_propagated_host_downtime', { host: 'fw-01', dry_run: true });
      assert.match(plain.structured.commands[0].line, /^SCHEDULE_AND_PROPAGATE_HOST_DOWNTIME;fw-01;/);
      assert.match(plain.text, /fw-01@icinga2 and its 2 child hosts \(all levels\): branch-router-01, branch-ap-01/);
      const ask = await h.call('thruk_schedule_propagated_host_downtime', { host: 'fw-01', triggered: true, comment: 'fw swap' });
      assert.equal(ask.structured.status, 'confirmation_required');
      assert.match(ask.text, /this covers 3 hosts/);
      const r = await confirmCall(h, 'thruk_schedule_propagated_host_downtime', { host: 'fw-01', triggered: true, comment: 'fw swap' });
      assert.equal(r.structured.status, 'done', r.text);
      assert.match(r.structured.commands[0].line, /^SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME;fw-01;/);
      const rows = await byComment(h, 'fw swap');
      const parent = rows.find((x) => x.host_name === 'fw-01');
      assert.deepEqual(
        rows
          .filter((x) => x !== parent)
          .map((x) => [x.host_name, x.triggered_by])
          .sort(),
        [
          ['branch-ap-01', parent.id],
          ['branch-router-01', parent.id],
        ],
      );
      const deep = await h.call('thruk_schedule_propagated_host_downtime', { host: 'core-switch-01', dry_run: true });
      assert.equal(deep.structured.targets, 25, 'all levels: 3 children, 19 below the distribution switches, 2 behind the firewall');
      const leaf = await h.call('thruk_schedule_propagated_host_downtime', { host: 'web-04', comment: 'leaf' });
      assert.equal(leaf.structured.status, 'done', 'one object: no confirmation needed');
      assert.match(leaf.text, /web-04@icinga2 has no child hosts/);
      await h.close();
    });

    it('host and service groups: members counted and listed, confirmation, one group command', async () => {
      const h = await open(era);
      const ask = await h.call('thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', comment: 'web patch' });
      assert.equal(ask.structured.status, 'confirmation_required');
      assert.equal(ask.structured.targets, 4);
      assert.match(ask.text, /Covers 4 hosts, 1 command/);
      const hosts = await confirmCall(h, 'thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', comment: 'web patch' });
      assert.equal(hosts.structured.status, 'done', hosts.text);
      assert.deepEqual((await byComment(h, 'web patch')).map((x) => x.host_name).sort(), ['web-01', 'web-02', 'web-03', 'web-04']);
      assert.equal(hosts.structured.downtime_ids.length, 4);
      const svcs = await confirmCall(h, 'thruk_schedule_hostgroup_downtime', {
        hostgroup: 'database-servers',
        target: 'services',
        comment: 'db patch',
      });
      assert.equal(svcs.structured.status, 'done', svcs.text);
      assert.match(svcs.structured.commands[0].line, /^SCHEDULE_HOSTGROUP_SVC_DOWNTIME;database-servers;/);
      assert.equal((await byComment(h, 'db patch')).length, 24);
      const sg = await confirmCall(h, 'thruk_schedule_servicegroup_downtime', { servicegroup: 'database-services', comment: 'sg svc' });
      assert.equal(sg.structured.objects, 6);
      assert.equal((await byComment(h, 'sg svc')).length, 6);
      const sgHosts = await confirmCall(h, 'thruk_schedule_servicegroup_downtime', {
        servicegroup: 'database-services',
        target: 'hosts',
        comment: 'sg host',
      });
      assert.match(sgHosts.structured.commands[0].line, /^SCHEDULE_SERVICEGROUP_HOST_DOWNTIME;database-services;/);
      assert.deepEqual((await byComment(h, 'sg host')).map((x) => x.host_name).sort(), ['db-01', 'db-02', 'db-03']);
      const big = await confirmCall(h, 'thruk_schedule_hostgroup_downtime', { hostgroup: 'linux-servers', target: 'services' });
      assert.equal(big.isError, true);
      assert.match(
        big.text,
        /touch 92 services, more than the limit of 50 \(THRUK_MAX_BULK_TARGETS\)\. Use a smaller group or target="hosts"/,
      );
      await h.close();
    });

    it('caps what one call may touch, counting the members a group command reaches', async () => {
      const h = await open(era, { config: { maxBulkTargets: 3 } });
      const r = await confirmCall(h, 'thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers' });
      assert.equal(r.isError, true);
      assert.match(r.text, /touch 4 hosts, more than the limit of 3 \(THRUK_MAX_BULK_TARGETS\)/);
      const p = await confirmCall(h, 'thruk_schedule_propagated_host_downtime', { host: 'core-switch-01' });
      assert.match(p.text, /more than the limit of 3/);
      assert.equal(cmdRequests(h).length, 0);
      await h.close();
    });

    it('a host on two backends: asks, then one command pinned to each backend', async () => {
      const h = await open(era, { simulator: createSimulator({ sites: ['north', 'south'] }) });
      const ask = await h.call('thruk_schedule_downtime', { host: 'web-01', comment: 'both' });
      assert.equal(ask.structured.status, 'confirmation_required');
      const r = await confirmCall(h, 'thruk_schedule_downtime', { host: 'web-01', comment: 'both' });
      assert.equal(r.structured.status, 'done', r.text);
      assert.deepEqual(
        cmdRequests(h)
          .map((x) => x.path)
          .sort(),
        ['/sites/north/cmd', '/sites/south/cmd'],
      );
      assert.deepEqual(r.structured.new_downtimes.map((d: any) => d.backend).sort(), ['north', 'south']);
      await h.close();
    });
  });
}

describe('confirmation through the client (elicitation)', () => {
  it('accepted → done; the question lists what is covered', async () => {
    const asked: string[] = [];
    const h = await open('modern', { elicit: (p) => (asked.push(p.message), { action: 'accept', content: { confirm: true } }) });
    const r = await h.call('thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', comment: 'elicited' });
    assert.equal(r.structured.status, 'done', r.text);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /Covers 4 hosts/);
    assert.equal((await byComment(h, 'elicited')).length, 4);
    await h.close();
  });

  it('the user takes time to answer: exactly the window they were shown is scheduled, asked once', async () => {
    const asked: string[] = [];
    const slow = (p: { message: string }) => {
      asked.push(p.message);
      const until = Date.now() + 1100;
      while (Date.now() < until) {
        /* the clock moves on while the user reads */
      }
      return { action: 'accept' as const, content: { confirm: true } };
    };
    const h = await open('modern', { elicit: slow });
    const r = await h.call('thruk_schedule_hostgroup_downtime', { hostgroup: 'web-servers', comment: 'slow yes' });
    assert.equal(r.structured.status, 'done', r.text);
    assert.equal(asked.length, 1, 'not asked again because "now" moved');
    const [, start, end] = /SCHEDULE_HOSTGROUP_HOST_DOWNTIME;web-servers;(\d+);(\d+);/.exec(asked[0]!)!;
    const rows = await byComment(h, 'slow yes');
    assert.equal(rows.length, 4);
    assert.ok(rows.every((x) => x.start_time === Number(start) && x.end_time === Number(end)));
    await h.close();
  });

  it('declined → nothing sent', async () => {
    const h = await open('modern', { elicit: () => ({ action: 'decline' }) });
    const r = await h.call('thruk_schedule_servicegroup_downtime', { servicegroup: 'database-services' });
    assert.equal(r.structured.status, 'declined');
    assert.equal(cmdRequests(h).length, 0);
    await h.close();
  });
});

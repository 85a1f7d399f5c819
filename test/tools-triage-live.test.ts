/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { connect, CURRENT_ERA, type Harness, rest, post } from './helpers/loose.js';

const nowSec = () => Math.floor(Date.now() / 1000);
const noNulls = (text: string) => assert.ok(!/\bnull\b|undefined|NaN/.test(text), `no nulls in:\n${text}`);
const key = (r: { host: string; service: string | null }) => `${r.host}|${r.service ?? ''}`;
const truthy = (v: unknown) => v === true || v === 1;

/** Unhandled problems computed from raw REST rows, the way the tools should. */
async function unhandledTruth(
  h: Harness,
  minServiceState: number,
  changedBefore = Infinity,
): Promise<{ listed: Set<string>; covered: number }> {
  const hosts = await rest(h, '/hosts', { columns: 'name,state,has_been_checked,acknowledged,scheduled_downtime_depth,last_state_change' });
  const svcs = await rest(h, '/services', {
    columns:
      'host_name,description,state,has_been_checked,acknowledged,scheduled_downtime_depth,last_state_change,host_state,host_acknowledged,host_scheduled_downtime_depth',
  });
  const open = (r: any) =>
    truthy(r.has_been_checked) && !truthy(r.acknowledged) && r.scheduled_downtime_depth === 0 && r.last_state_change <= changedBefore;
  const listed = new Set<string>();
  for (const r of hosts) if (r.state !== 0 && open(r)) listed.add(`${r.name}|`);
  let covered = 0;
  for (const r of svcs) {
    if (r.state < minServiceState || !open(r)) continue;
    if (r.host_state !== 0 || truthy(r.host_acknowledged) || r.host_scheduled_downtime_depth > 0) covered += 1;
    else listed.add(`${r.host_name}|${r.description}`);
  }
  return { listed, covered };
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`live triage tools over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('thruk_oldest_problems lists every unhandled problem, oldest first, paged', async () => {
      const truth = await unhandledTruth(h, 1);
      const r = await h.call('thruk_oldest_problems', { limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(new Set(r.structured.rows.map(key)), truth.listed);
      const ages = r.structured.rows.map((x: any) => x.duration_s);
      assert.deepEqual(
        ages,
        [...ages].sort((a: number, b: number) => b - a),
        'oldest first',
      );
      for (const row of r.structured.rows) {
        assert.match(row.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(row.duration_human.length > 0);
        assert.equal(row.service === null, row.kind === 'host');
      }
      assert.match(
        r.text,
        new RegExp(`Note: ${truth.covered} services on hosts that are down, acknowledged or in downtime are not listed`),
      );
      noNulls(r.text);
      const all = await h.call('thruk_oldest_problems', { limit: 1000, include_on_problem_hosts: true });
      assert.equal(all.structured.total, truth.listed.size + truth.covered);
      const p = await h.call('thruk_oldest_problems', { limit: 3, offset: 2 });
      assert.deepEqual(p.structured.rows.map(key), r.structured.rows.slice(2, 5).map(key));
      assert.equal(p.structured.next_offset, 5);
      assert.match(p.text, /^Oldest unhandled problems 3-5 of \d+:\n(Note: .*\n)*host \| service \| state \| since \| for \| output\n/);
      assert.match(p.text, /more not shown\. Next page: offset=5\./);
    });

    it('thruk_oldest_problems scopes by hostgroup and host custom variable on both tables', async () => {
      const members = new Set((await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'windows-servers' })).map((x: any) => x.name));
      const r = await h.call('thruk_oldest_problems', { limit: 1000, filter: { field: 'hostgroup', value: 'windows-servers' } });
      assert.ok(r.structured.total > 0);
      assert.ok(r.structured.rows.every((x: any) => members.has(x.host)));
      assert.ok(r.structured.rows.some((x: any) => x.kind === 'service'));
      const cv = await h.call('thruk_oldest_problems', {
        limit: 1000,
        filter: { field: 'custom_var', value: { var: 'os', val: 'windows' } },
      });
      assert.deepEqual(new Set(cv.structured.rows.map(key)), new Set(r.structured.rows.map(key)));
      const none = await h.call('thruk_oldest_problems', { filter: { field: 'hostgroup', value: 'no-such-group' } });
      assert.equal(none.structured.total, 0);
      assert.equal(none.text, 'No unhandled problems.');
    });

    it('thruk_unacked_critical counts DOWN, UNREACHABLE, CRITICAL and UNKNOWN older than the threshold', async () => {
      const now = nowSec();
      const truth = await unhandledTruth(h, 2, now - 60 * 60);
      const r = await h.call('thruk_unacked_critical', { limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(new Set(r.structured.rows.map(key)), truth.listed);
      assert.ok(
        r.structured.rows.some((x: any) => x.state === 'UNKNOWN'),
        'UNKNOWN services count as critical',
      );
      assert.ok(
        r.structured.rows.some((x: any) => x.state === 'UNREACHABLE'),
        'UNREACHABLE hosts too',
      );
      assert.ok(r.structured.rows.every((x: any) => ['DOWN', 'UNREACHABLE', 'CRITICAL', 'UNKNOWN'].includes(x.state)));
      assert.ok(r.structured.rows.every((x: any) => x.duration_minutes >= 60));
      const c = r.structured.counts;
      assert.equal(
        (c.hosts_down ?? 0) + (c.hosts_unreachable ?? 0) + (c.services_critical ?? 0) + (c.services_unknown ?? 0),
        r.structured.total,
      );
      assert.match(
        r.text,
        /^hosts: \d+ DOWN, \d+ UNREACHABLE; services: \d+ CRITICAL, \d+ UNKNOWN — unacknowledged, not in downtime, in state for ≥ 60m/,
      );
      noNulls(r.text);
    });

    it('thruk_unacked_critical honours the threshold at minute precision', async () => {
      const r0 = await h.call('thruk_unacked_critical', { threshold_minutes: 0, limit: 1000 });
      const target = r0.structured.rows.find((x: any) => x.duration_s > 600 && x.duration_s % 60 > 5 && x.duration_s % 60 < 50);
      assert.ok(target, 'a problem with a comfortable second offset');
      const mins = Math.floor(target.duration_s / 60);
      const inc = await h.call('thruk_unacked_critical', { threshold_minutes: mins, limit: 1000 });
      assert.ok(
        inc.structured.rows.some((x: any) => key(x) === key(target)),
        `included at ${mins}m`,
      );
      const exc = await h.call('thruk_unacked_critical', { threshold_minutes: mins + 1, limit: 1000 });
      assert.ok(!exc.structured.rows.some((x: any) => key(x) === key(target)), `excluded at ${mins + 1}m`);
      const huge = await h.call('thruk_unacked_critical', { threshold_minutes: 525_600 });
      assert.equal(huge.structured.total, 0);
      assert.match(huge.text, /^Nothing unacknowledged, not in downtime, in state for ≥ 525600m/);
    });

    it('thruk_unacked_critical pages instead of capping, and says how many more', async () => {
      const p = await h.call('thruk_unacked_critical', { threshold_minutes: 0, limit: 2 });
      assert.equal(p.structured.returned, 2);
      assert.ok(p.structured.total > 2);
      assert.equal(p.structured.next_offset, 2);
      assert.match(p.text, new RegExp(`${p.structured.total - 2} more not shown\\. Next page: offset=2\\.`));
    });

    it('thruk_stale_acks keeps acknowledgements older than min_days on objects still in trouble', async () => {
      const acks = await rest(h, '/comments', { entry_type: '4' });
      const now = nowSec();
      const r1 = await h.call('thruk_stale_acks', { min_days: 1 });
      assert.equal(r1.isError, undefined, r1.text);
      const expect1 = acks.filter((c: any) => now - c.entry_time >= 86400).map((c: any) => `${c.host_name}|${c.service_description ?? ''}`);
      assert.deepEqual(r1.structured.rows.map(key), expect1);
      assert.equal(r1.structured.rows[0].ack_author, 'icingaadmin');
      assert.ok(r1.structured.rows[0].ack_since_days >= 1);
      assert.match(r1.text, /mail-01 \|  \| DOWN \| 1d ago \(\d{4}-.*\| icingaadmin \| Hardware failure/);
      const r0 = await h.call('thruk_stale_acks', { min_days: 0 });
      assert.equal(r0.structured.total, acks.length);
      const ages = r0.structured.rows.map((x: any) => x.ack_since_days);
      assert.deepEqual(
        ages,
        [...ages].sort((a: number, b: number) => b - a),
        'oldest first',
      );
      const week = await h.call('thruk_stale_acks', {});
      assert.equal(week.structured.total, 0);
      assert.match(week.text, /^No acknowledgements older than 7d/);
      noNulls(r0.text);
    });

    it('thruk_stale_acks applies the scope before the limit (the anchor filtered after it)', async () => {
      const r = await h.call('thruk_stale_acks', { min_days: 0, limit: 1, filter: { field: 'hostgroup', value: 'storage-servers' } });
      assert.deepEqual(r.structured.rows.map(key), ['nas-01.example.com|disk "data"']);
      assert.equal(r.structured.total, 1);
      const cv = await h.call('thruk_stale_acks', { min_days: 0, filter: { field: 'custom_var', value: { var: 'os', val: 'linux' } } });
      assert.equal(cv.structured.total, 2);
    });

    it("thruk_stale_checks flags what the anchor's rules flag, with counts per reason", async () => {
      const svcs = await rest(h, '/services', {
        columns: 'host_name,description,last_check,latency,check_interval,active_checks_enabled,has_been_checked,check_type',
      });
      const now = nowSec();
      const expected = new Map<string, string>();
      for (const s of svcs) {
        const age = s.last_check > 0 ? now - s.last_check : null;
        let reason: string | undefined;
        if (!truthy(s.has_been_checked)) reason = 'never_checked';
        else if (s.check_type === 1)
          reason = age !== null && age > 3600 + 60 ? 'stale_passive' : s.latency > 30 ? 'high_latency' : undefined;
        else if (!truthy(s.active_checks_enabled)) reason = 'disabled';
        else if (age !== null && age > s.check_interval * 60 * 2 + 60) reason = 'stale';
        else if (s.latency > 30) reason = 'high_latency';
        if (reason !== undefined) expected.set(`${s.host_name}|${s.description}`, reason);
      }
      const r = await h.call('thruk_stale_checks', { include_hosts: false });
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(new Map(r.structured.rows.map((x: any) => [key(x), x.reason])), expected);
      assert.ok(r.structured.counts.never_checked >= 1 && r.structured.counts.stale_passive >= 1);
      assert.equal(r.structured.rows[0].reason, 'never_checked', 'never checked first');
      assert.match(r.text, /^Checks not running as expected: \d+ never_checked, .*\d+ stale_passive/);
      assert.match(r.text, /\| backup-job \| stale_passive \| \d+h( \d+m)? ago \(\d{4}-.*\| passive \|/);
      noNulls(r.text);
      const sent = h.sim.requests.filter((q) => q.path === '/services').at(-1);
      assert.ok(
        sent?.params.some(([k, v]) => k === 'q' && v.includes('last_check <')),
        'only candidate rows are fetched',
      );
    });

    it('thruk_stale_checks reports disabled checks unless told not to, and pages', async () => {
      await post(h, '/services/web-02/ntp/cmd/disable_svc_check', {});
      const r = await h.call('thruk_stale_checks', {});
      const row = r.structured.rows.find((x: any) => x.host === 'web-02' && x.service === 'ntp');
      assert.equal(row?.reason, 'disabled');
      assert.equal(row.active_checks_enabled, false);
      const quiet = await h.call('thruk_stale_checks', { include_disabled: false });
      assert.ok(!quiet.structured.rows.some((x: any) => x.reason === 'disabled'));
      const busy = await h.call('thruk_stale_checks', { latency_threshold_s: 0, limit: 5 });
      assert.ok(busy.structured.counts.high_latency > 5, 'every check has some latency');
      assert.equal(busy.structured.returned, 5);
      assert.equal(busy.structured.next_offset, 5);
      assert.match(busy.text, /more not shown\. Next page: offset=5\./);
      const hosts = await h.call('thruk_stale_checks', { latency_threshold_s: 0, limit: 5000 });
      assert.ok(hosts.structured.rows.some((x: any) => x.kind === 'host'));
      const scoped = await h.call('thruk_stale_checks', { filter: { field: 'hostgroup', value: 'storage-servers' } });
      assert.ok(scoped.structured.rows.every((x: any) => x.host === 'nas-01.example.com'));
      await post(h, '/services/web-02/ntp/cmd/enable_svc_check', {});
    });

    it('scope filters with OR groups and hostile values work on every scoped tool', async () => {
      const or = {
        operator: 'or',
        conditions: [
          { field: 'hostgroup', value: 'storage-servers' },
          { field: 'hostgroup', value: 'web-servers' },
        ],
      };
      const members = new Set(
        (await rest(h, '/hosts', { columns: 'name', q: '(groups >= "storage-servers" or groups >= "web-servers")' })).map(
          (x: any) => x.name,
        ),
      );
      for (const tool of ['thruk_oldest_problems', 'thruk_unacked_critical', 'thruk_stale_acks', 'thruk_stale_checks']) {
        const r = await h.call(tool, {
          filter: or,
          ...(tool === 'thruk_stale_acks' ? { min_days: 0 } : {}),
          ...(tool === 'thruk_unacked_critical' ? { threshold_minutes: 0 } : {}),
        });
        assert.equal(r.isError, undefined, `${tool}: ${r.text}`);
        assert.ok(
          r.structured.rows.every((x: any) => members.has(x.host)),
          tool,
        );
      }
      const checks = await h.call('thruk_stale_checks', { filter: or });
      assert.ok(
        checks.structured.rows.some((x: any) => x.host === 'nas-01.example.com'),
        'the merged q keeps both parts',
      );
      for (const value of [`it's "quoted"`, 'back\\slash', '../..', 'ünï', 'a/b']) {
        for (const tool of ['thruk_oldest_problems', 'thruk_stale_acks', 'thruk_stale_checks']) {
          const r = await h.call(tool, { filter: { field: 'hostgroup', value } });
          assert.equal(r.isError, undefined, `${tool} ${value}: ${r.text}`);
          assert.equal(r.structured.total, 0);
        }
      }
      const nl = await h.call('thruk_oldest_problems', { filter: { field: 'hostgroup', value: 'a\nb' } });
      assert.equal(nl.isError, true);
      const badVar = await h.call('thruk_unacked_critical', { filter: { field: 'custom_var', value: { var: 'o s', val: 'x' } } });
      assert.equal(badVar.isError, true);
      assert.match(badVar.text, /Custom variable name/);
      const badField = await h.call('thruk_oldest_problems', { filter: { field: 'state', value: 'down' } });
      assert.equal(badField.isError, true);
    });

    it('thruk_worker_health finds mod-gearman artefacts by signature, queue and backend', async () => {
      const clean = await h.call('thruk_worker_health');
      assert.equal(clean.structured.total_artefacts, 0);
      assert.match(clean.text, /^No mod-gearman worker artefacts in check output\. All backends are connected\./);
      await post(h, '/services/web-01/http/cmd/process_service_check_result', {
        plugin_state: 3,
        plugin_output: "(service check orphaned, is the mod-gearman worker on queue 'service' running?)",
      });
      await post(h, '/services/web-02/http/cmd/process_service_check_result', {
        plugin_state: 3,
        plugin_output: "(service check orphaned, is the mod-gearman worker on queue 'hostgroup_web' running?)",
      });
      await post(h, '/services/db-01/ssh/cmd/process_service_check_result', {
        plugin_state: 2,
        plugin_output: 'CRITICAL: Timed Out On Worker: worker-02',
      });
      await post(h, '/hosts/print-01/cmd/process_host_check_result', {
        plugin_state: 1,
        plugin_output: 'Invalid hostname/address - undef',
      });
      const truth = await rest(h, '/services', { columns: 'count(*)', 'plugin_output[regex]': 'orphaned|Timed Out On Worker|undef' });
      const r = await h.call('thruk_worker_health');
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.by_object.services, truth['count(*)']);
      assert.equal(r.structured.total_artefacts, 4);
      assert.deepEqual(r.structured.by_signature, { orphaned: 2, worker_timeout: 1, address_undef: 1 });
      assert.deepEqual(r.structured.by_queue, { service: 1, hostgroup_web: 1 });
      assert.deepEqual(r.structured.by_backend, { icinga2: 4 });
      assert.equal(r.structured.breakdown_complete, true);
      assert.match(r.text, /^4 checks show mod-gearman worker failures \(orphaned 2, .*\) on queues hostgroup_web, service: /);
      assert.match(r.text, /\nprint-01 \|  \| DOWN \| address_undef \|  \| icinga2 \| Invalid hostname/);
      const small = await h.call('thruk_worker_health', { limit: 1, sample_limit: 1, include_hosts: false });
      assert.equal(small.structured.total_artefacts, 3, 'totals stay exact');
      assert.equal(small.structured.samples.length, 1);
      assert.equal(small.structured.breakdown_complete, false);
      assert.match(small.text, /cover only the rows read; raise limit/);
      const sent = h.sim.requests.filter((q) => q.path === '/services').at(-1);
      assert.ok(
        sent?.params.some(([k]) => k === 'plugin_output[regex]'),
        'filtered by Thruk, not here',
      );
      noNulls(r.text);
    });

    it('thruk_backend_health reports a healthy core, then what is switched off', async () => {
      const r = await h.call('thruk_backend_health');
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(r.structured.summary, { total: 1, ok: 1, degraded: 0, disconnected: 0 });
      assert.equal(r.structured.processinfo_available, true);
      assert.equal(r.structured.lmd_available, false);
      const site = r.structured.sites[0];
      assert.equal(site.program_version, (await rest(h, '/processinfo'))[0].program_version);
      assert.deepEqual(site.checks_enabled, { hosts: true, services: true });
      assert.match(r.text, /^The backend is connected and healthy\. No LMD data/);
      await post(h, '/system/cmd/disable_notifications', {});
      const off = await h.call('thruk_backend_health');
      assert.equal(off.structured.sites[0].health, 'degraded');
      assert.deepEqual(off.structured.sites[0].reasons, ['notifications disabled globally']);
      assert.match(off.text, /1 of 1 backends unhealthy: 1 degraded/);
      await post(h, '/system/cmd/enable_notifications', {});
      const remove = h.sim.injectFault({ match: '/processinfo', status: 404 });
      const noProc = await h.call('thruk_backend_health');
      remove();
      assert.equal(noProc.isError, undefined, noProc.text);
      assert.equal(noProc.structured.processinfo_available, false);
      assert.equal(noProc.structured.sites[0].health, 'ok');
      assert.match(noProc.text, /\/processinfo did not answer/);
      noNulls(r.text);
    });
  });
}

describe('live triage tools against a bigger and a federated estate', () => {
  it('thruk_unacked_critical has no hidden cap of 500', async () => {
    const h = await connect({ sim: { hosts: 2000 } });
    try {
      const r = await h.call('thruk_unacked_critical', { threshold_minutes: 0, limit: 10 });
      assert.ok(r.structured.total > 500, `total ${r.structured.total}`);
      assert.equal(r.structured.returned, 10);
      assert.match(r.text, new RegExp(`${r.structured.total - 10} more not shown`));
    } finally {
      await h.close();
    }
  });

  it('thruk_backend_health merges /sites, /lmd/sites and /processinfo per backend', async () => {
    const base = createSimulator({ apiKey: 'demo', sites: ['berlin', 'paris', 'rome'] });
    const now = nowSec();
    const sites = [
      { id: 'berlin', name: 'berlin', connected: 1, status: 0, last_error: '', localtime: now, addr: '10.0.0.1:6557' },
      { id: 'paris', name: 'paris', connected: 0, status: 1, last_error: 'connection refused', localtime: now },
      { id: 'rome', name: 'rome', connected: 1, status: 0, last_error: '', localtime: now },
    ];
    const lmd = [
      { key: 'berlin', name: 'berlin', response_time: 0.02, last_update: now - 5, status: 0 },
      { key: 'rome', name: 'rome', response_time: 7.5, last_update: now - 600, status: 0 },
    ];
    const json = (v: unknown) => new Response(JSON.stringify(v), { status: 200, headers: { 'Content-Type': 'application/json' } });
    const sim: Simulator = {
      ...base,
      state: base.state,
      requests: base.requests,
      fetch: (req) => {
        const p = new URL(req.url).pathname;
        if (p.endsWith('/r/sites')) return Promise.resolve(json(sites));
        if (p.endsWith('/r/lmd/sites')) return Promise.resolve(json(lmd));
        return base.fetch(req);
      },
    };
    const h = await connect({ simulator: sim });
    try {
      const r = await h.call('thruk_backend_health', {});
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(r.structured.summary, { total: 3, ok: 1, degraded: 1, disconnected: 1 });
      assert.deepEqual(
        r.structured.sites.map((s: any) => [s.name, s.health]),
        [
          ['paris', 'disconnected'],
          ['rome', 'degraded'],
          ['berlin', 'ok'],
        ],
      );
      const rome = r.structured.sites[1];
      assert.equal(rome.latency_s, 7.5);
      assert.equal(rome.data_age_s, 600);
      assert.equal(rome.reasons.length, 2);
      assert.equal(r.structured.sites[2].data_age_s, 5);
      assert.equal(r.structured.lmd_available, true);
      assert.match(r.text, /^2 of 3 backends unhealthy: 1 disconnected \(blind spot\), 1 degraded/);
      assert.match(r.text, /\nparis \| disconnected \| disconnected: connection refused \|/);
      const w = await h.call('thruk_worker_health', {});
      assert.deepEqual(w.structured.backends.disconnected, [{ name: 'paris', last_error: 'connection refused' }]);
      assert.match(w.text, /1 backend is disconnected: a blind spot/);
    } finally {
      await h.close();
    }
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { alertEntry, appendLog, downtimeEntry } from '../src/sim/loglines.js';
import { connect, CURRENT_ERA, type Harness } from './helpers/loose.js';

const API_KEY = 'demo';

async function ask(sim: Simulator, path: string, params: Array<[string, string]> = []): Promise<{ status: number; body: any }> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const res = await sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': API_KEY } }));
  return { status: res.status, body: await res.json() };
}

/** Ask the simulator directly (the ground truth our tools must agree with). */
async function rest(h: Harness, path: string, params: Array<[string, string]> = []): Promise<any> {
  const r = await ask(h.sim, path, params);
  assert.equal(r.status, 200, `${path} → ${r.status}`);
  return r.body;
}

const epoch = (isoTime: string) => Math.floor(Date.parse(isoTime) / 1000);
const windowParams = (w: { since: string; until: string }): Array<[string, string]> => [
  ['start', String(epoch(w.since))],
  ['end', String(epoch(w.until))],
];
const noNulls = (text: string) => assert.ok(!/\bnull\b|undefined|NaN/.test(text), `no nulls in text:\n${text}`);

/** Availability over the time with data, as the tools define it (planned downtime not counted). */
function expected(t: Record<string, number>, outage: readonly string[]): number | undefined {
  const states = Object.keys(t).filter((k) => /^time_(?!indeterminate)[a-z]+$/.test(k));
  const known = states.reduce((s, k) => s + (t[k] ?? 0), 0);
  if (known === 0) return undefined;
  const bad = outage.reduce((s, st) => s + (t[`time_${st}`] ?? 0) - (t[`scheduled_time_${st}`] ?? 0), 0);
  return Math.floor(((known - bad) / known) * 100 * 1e4 + 1e-7) / 1e4;
}

/**
 * What the simulator does not reproduce of a real Thruk 3.x on Icinga 2: an all-indeterminate
 * answer instead of an error for unknown objects, the report_max_objects refusal, and a host
 * literally named '..' (which no URL path can address).
 */
function realThruk(sim: Simulator): Simulator {
  const nodata = {
    time_up: 0,
    time_down: 0,
    time_unreachable: 0,
    scheduled_time_up: 0,
    time_indeterminate_nodata: 86400,
    time_indeterminate_notrunning: 0,
    time_indeterminate_outside_timeperiod: 0,
  };
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname.replace(/^.*\/thruk\/r/, ''));
    if (path === '/hosts' && url.searchParams.get('name') === '..') return Response.json([{ name: '..' }]);
    if (path === '/hostgroups/network-devices/availability') {
      return Response.json(
        {
          code: 500,
          message: 'too many objects: 6000, maximum 5000, please use more specific filter or raise limit (report_max_objects)!',
        },
        { status: 500 },
      );
    }
    const res = await sim.fetch(new Request(url, { headers: req.headers }));
    if (path.endsWith('/availability') && res.status === 500) return Response.json(nodata);
    return res;
  };
  return { ...sim, fetch };
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`availability toolset over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('lists the availability tools as read-only, with timeperiod as an enum', async () => {
      const { tools } = await h.client.listTools();
      for (const n of [
        'thruk_host_availability',
        'thruk_service_availability',
        'thruk_hostgroup_availability',
        'thruk_hostgroup_availability_summary',
      ]) {
        const t = tools.find((x) => x.name === n);
        assert.ok(t, `missing ${n}`);
        assert.equal(t.annotations?.readOnlyHint, true);
        const tp = (t.inputSchema.properties as any).timeperiod;
        assert.ok(tp.enum.includes('lastmonth') && tp.enum.includes('last24hours'));
      }
    });

    it('thruk_host_availability agrees with Thruk over the default 7-day window', async () => {
      const r = await h.call('thruk_host_availability', { host: 'win-app-01' });
      assert.equal(r.isError, undefined, r.text);
      const w = r.structured.window;
      assert.equal(epoch(w.until) - epoch(w.since), 7 * 86400);
      assert.ok(Math.abs(epoch(w.until) - Date.now() / 1000) < 60);
      const truth = await rest(h, '/hosts/win-app-01/availability', windowParams(w));
      assert.equal(r.structured.seconds.down ?? 0, truth.time_down);
      assert.equal(r.structured.seconds.up ?? 0, truth.time_up);
      assert.equal(
        r.structured.no_data_s,
        truth.time_indeterminate_nodata + truth.time_indeterminate_notrunning + truth.time_indeterminate_outside_timeperiod,
      );
      assert.equal(r.structured.availability_percent, expected(truth, ['down', 'unreachable']));
      assert.ok(r.structured.availability_percent < 100 && r.structured.unplanned_s === truth.time_down);
      assert.match(
        r.text,
        /^Availability of host win-app-01, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ – \d{4}-\S+Z \(7d\): \d+\.\d+%( over the [<>]?[\d.]+% of the window with data \(no data for [<>]?[\d.]+%\))?\n/,
      );
      assert.match(
        r.text,
        /\nobject \| availability \| unplanned \| planned \| problem states \| no data\nwin-app-01 \| [\d.]+% \| .* \| down /,
      );
      noNulls(r.text);
    });

    it('reports a window without data as no data, never as 100 % up', async () => {
      const r = await h.call('thruk_host_availability', { host: 'web-01', timeperiod: 'lastyear' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.status, 'no_data');
      assert.equal(r.structured.availability_percent, undefined);
      assert.equal(r.structured.window.timeperiod, 'lastyear');
      assert.equal(r.structured.window.since, undefined, "a past period is bounded in Thruk's time zone, which we do not know");
      assert.ok(r.structured.window.duration_s >= 365 * 86400);
      assert.match(r.text, /^Availability of host web-01, lastyear as Thruk resolves it in its time zone \(36[56]d\): no data\n/);
      assert.match(r.text, /not as 100 % up/);
      const today = await h.call('thruk_host_availability', { host: 'web-01', timeperiod: 'today' });
      assert.equal(epoch(today.structured.window.since) % 86400, 0, 'today starts at midnight (the simulator runs in UTC here)');
    });

    it('validates the window: order, exclusivity, future, names of periods', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ since: '-1d', until: '-2d' }, /until .* is before since/],
        [{ timeperiod: 'lastweek', since: '-7d' }, /timeperiod and since\/until are mutually exclusive/],
        [{ timeperiod: 'lastweek', until: 'now' }, /mutually exclusive/],
        [{ since: '+1d' }, /since \(.*\) is not in the past/],
        [{ since: 'tomorrow' }, /not in the past/],
        [{ since: 'last tuesday' }, /since: cannot read/],
        [{ since: 'now', until: 'now' }, /not in the past|window is empty/],
        [{ timeperiod: 'last_month' }, /timeperiod: Invalid option: expected one of .*"lastmonth"/],
      ];
      for (const [args, re] of cases) {
        const r = await h.call('thruk_host_availability', { host: 'web-01', ...args });
        assert.equal(r.isError, true, JSON.stringify(args));
        assert.match(r.text, re, JSON.stringify(args));
      }
      const future = await h.call('thruk_host_availability', { host: 'web-01', since: '-1d', until: '+1d' });
      assert.equal(future.isError, undefined, future.text);
      assert.ok(epoch(future.structured.window.until) <= Date.now() / 1000 + 1, 'cut at now');
      assert.match(future.text, /Note: until \(.*\) is in the future; the window ends now/);
      const iso = await h.call('thruk_host_availability', { host: 'web-01', since: '2026-01-01T00:00:00+01:00', until: '2026-01-02' });
      assert.deepEqual([iso.structured.window.since, iso.structured.window.until], ['2025-12-31T23:00:00Z', '2026-01-02T00:00:00Z']);
    });

    it('unknown hosts get a did-you-mean; hostile names never break anything', async () => {
      const r = await h.call('thruk_host_availability', { host: 'web01' });
      assert.equal(r.isError, true);
      assert.match(r.text, /No host named 'web01'\. Did you mean 'web-01'/);
      for (const name of ['..', '.', '/', 'a/b', 'it\'s "x" \\ y', 'Lüfter ☃', '%2e%2e', 'web-01?x=1#y']) {
        const x = await h.call('thruk_host_availability', { host: name });
        assert.equal(x.isError, true, name);
        assert.match(x.text, /^No host named /, name);
      }
      const nl = await h.call('thruk_host_availability', { host: 'web-01\nX' });
      assert.match(nl.text, /line breaks/);
    });

    it('thruk_service_availability addresses services with / and spaces, and suggests names', async () => {
      const r = await h.call('thruk_service_availability', { host: 'db-03', service: 'disk /', since: '-3d' });
      assert.equal(r.isError, undefined, r.text);
      const truth = await rest(h, `/services/db-03/${encodeURIComponent('disk /')}/availability`, windowParams(r.structured.window));
      assert.equal(r.structured.seconds.ok ?? 0, truth.time_ok);
      assert.equal(r.structured.seconds.warning ?? 0, truth.time_warning);
      assert.equal(r.structured.availability_percent, expected(truth, ['critical', 'unknown']));
      assert.equal(r.structured.service, 'disk /');
      const miss = await h.call('thruk_service_availability', { host: 'db-03', service: 'disk' });
      assert.match(miss.text, /No service on host 'db-03' named 'disk'\. Did you mean 'disk \/'/);
      const noHost = await h.call('thruk_service_availability', { host: 'db-3', service: 'disk /' });
      assert.match(noHost.text, /No host named 'db-3'\. Did you mean 'db-03'/);
    });

    it('thruk_hostgroup_availability lists members worst first and pages', async () => {
      const r = await h.call('thruk_hostgroup_availability', { hostgroup: 'linux-servers' });
      assert.equal(r.isError, undefined, r.text);
      const truth = (await rest(h, '/hostgroups/linux-servers/availability', windowParams(r.structured.window))) as any[];
      assert.equal(r.structured.total, truth.length);
      const av = r.structured.rows.map((x: any) => x.availability_percent ?? Infinity);
      for (let i = 1; i < av.length; i++) assert.ok(av[i - 1] <= av[i], 'worst first');
      const worst = truth.map((t) => ({ name: t.host, a: expected(t, ['down', 'unreachable']) ?? Infinity })).sort((a, b) => a.a - b.a)[0]!;
      assert.equal(r.structured.rows[0].host, worst.name);
      assert.equal(r.structured.rows[0].availability_percent, worst.a);
      const paged = await h.call('thruk_hostgroup_availability', { hostgroup: 'linux-servers', limit: 2, offset: 2 });
      assert.deepEqual(
        paged.structured.rows.map((x: any) => x.host),
        r.structured.rows.slice(2, 4).map((x: any) => x.host),
      );
      assert.equal(paged.structured.next_offset, 4);
      assert.match(paged.text, /hosts 3-4 of \d+, worst first:\n/);
      assert.match(paged.text, /Next page: offset=4\./);
      noNulls(r.text);
    });

    it('thruk_hostgroup_availability validates the group and the type', async () => {
      const miss = await h.call('thruk_hostgroup_availability', { hostgroup: 'web-server' });
      assert.match(miss.text, /No host group named 'web-server'\. Did you mean 'web-servers'\?.*thruk_list_hostgroups/);
      const bad = await h.call('thruk_hostgroup_availability', { hostgroup: 'web-servers', type: 'all' });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /type: Invalid option/);
      const dots = await h.call('thruk_hostgroup_availability', { hostgroup: '..' });
      assert.match(dots.text, /No host group named '\.\.'/);
      const svc = await h.call('thruk_hostgroup_availability', { hostgroup: 'web-servers', type: 'services' });
      assert.equal(svc.isError, undefined, svc.text);
      if (svc.structured.total === 0)
        assert.match(svc.text, /does not report services per host group/, 'the simulator answers host rows; said, not hidden');
    });

    it('thruk_hostgroup_availability_summary rolls the group up against the target', async () => {
      const r = await h.call('thruk_hostgroup_availability_summary', { hostgroup: 'linux-servers' });
      assert.equal(r.isError, undefined, r.text);
      const truth = (await rest(h, '/hostgroups/linux-servers/availability', windowParams(r.structured.window))) as any[];
      const known = truth.map((t) => t.time_up + t.time_down + t.time_unreachable);
      const lost = truth.map((t) => t.time_down + t.time_unreachable - t.scheduled_time_down - t.scheduled_time_unreachable);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const hosts = r.structured.hosts;
      assert.equal(hosts.objects, truth.length);
      assert.equal(hosts.availability_percent, Math.floor(((sum(known) - sum(lost)) / sum(known)) * 100 * 1e4 + 1e-7) / 1e4);
      const below = truth.filter((t) => (expected(t, ['down', 'unreachable']) ?? 100) < 99.9).length;
      assert.equal(hosts.below_target, below);
      assert.ok(below > 0, 'the estate has a host below 99.9 %');
      assert.equal(hosts.worst.host, r.structured.rows[0].host);
      assert.equal(hosts.unplanned_s, sum(lost));
      assert.match(
        r.text,
        /^SLA summary of host group linux-servers, .* target 99\.9%\n.*\nHosts: \d+, availability [\d.]+% \(time-weighted( over the [<>]?[\d.]+% of the time with data; no data for [<>]?[\d.]+%)?\), worst \S+ [\d.]+%, \d+ below 99\.9%, unplanned .*, planned .*\n/,
      );
      const planned = sum(truth.map((t) => t.scheduled_time_down + t.scheduled_time_unreachable));
      assert.equal(hosts.planned_s, planned);
      const lax = await h.call('thruk_hostgroup_availability_summary', { hostgroup: 'linux-servers', target_percent: 0 });
      assert.equal(lax.structured.hosts.below_target, 0);
      const few = await h.call('thruk_hostgroup_availability_summary', { hostgroup: 'linux-servers', limit: 1 });
      assert.equal(few.structured.returned, 1);
      assert.match(few.text, /more not shown\. Next page: offset=1\./);
      noNulls(r.text);
    });
  });
}

describe("availability against Thruk's real response shapes", () => {
  let h: Harness;
  before(async () => {
    h = await connect({ simulator: realThruk(createSimulator({ apiKey: API_KEY })) });
  });
  after(async () => {
    await h.close();
  });

  it('reads host/service keyed rows and lists the services of a host group', async () => {
    const r = await h.call('thruk_hostgroup_availability', { hostgroup: 'web-servers', type: 'both', limit: 1000 });
    assert.equal(r.isError, undefined, r.text);
    const hosts = r.structured.rows.filter((x: any) => x.service === undefined);
    const svcs = r.structured.rows.filter((x: any) => x.service !== undefined);
    assert.deepEqual(hosts.map((x: any) => x.host).sort(), ['web-01', 'web-02', 'web-03', 'web-04']);
    const truth = (await rest(h, '/services', [
      ['host_groups[gte]', 'web-servers'],
      ['columns', 'host_name'],
    ])) as unknown[];
    assert.equal(svcs.length, truth.length);
    assert.ok(r.structured.rows.findIndex((x: any) => x.service !== undefined) === hosts.length, 'hosts first, then services');
    assert.doesNotMatch(r.text, /Note:/);
  });

  it('an all-indeterminate answer for an unknown object is still "not found"', async () => {
    const r = await h.call('thruk_host_availability', { host: 'web-1' });
    assert.equal(r.isError, true);
    assert.match(r.text, /No host named 'web-1'\. Did you mean 'web-01'/);
    const s = await h.call('thruk_service_availability', { host: 'web-01', service: 'htp' });
    assert.match(s.text, /No service on host 'web-01' named 'htp'\. Did you mean 'http'/);
  });

  it('an existing object that no REST path can address is explained', async () => {
    const r = await h.call('thruk_host_availability', { host: '..' });
    assert.equal(r.isError, true);
    assert.match(r.text, /The host '\.\.' exists but cannot be addressed in a Thruk REST path/);
  });

  it("turns Thruk's report_max_objects refusal into advice", async () => {
    const r = await h.call('thruk_hostgroup_availability', { hostgroup: 'network-devices' });
    assert.equal(r.isError, true);
    assert.match(r.text, /^Thruk refused the report: too many objects.*Ask for fewer objects/);
  });

  it('summarises services below target alongside the hosts', async () => {
    const r = await h.call('thruk_hostgroup_availability_summary', {
      hostgroup: 'linux-servers',
      include_services: true,
      target_percent: 100,
    });
    assert.equal(r.isError, undefined, r.text);
    assert.ok(r.structured.services.objects > 0);
    assert.equal(r.structured.services_below_target.length, Math.min(50, r.structured.services.below_target));
    assert.match(r.text, /\nServices: \d+, availability /);
    if (r.structured.services.below_target > 0) assert.match(r.text, /\nservices below 100% \(\d+\):\n/);
  });
});

describe('planned vs unplanned outage and soft states', () => {
  let h: Harness;
  const day = Math.floor(Date.now() / 1000 / 86400) * 86400 - 86400;
  before(async () => {
    const sim = createSimulator({ apiKey: API_KEY });
    const site = sim.state.sites[0]!;
    const host = sim.state.host('web-03')!;
    const add = (e: Parameters<typeof appendLog>[1]) => appendLog(site, e);
    // Yesterday (UTC) 03:00-05:00 DOWN inside a downtime, 06:00-06:30 DOWN outside it, 08:00-09:00 only SOFT DOWN.
    add(downtimeEntry(day + 3 * 3600 - 60, host, 'STARTED'));
    add(alertEntry(day + 3 * 3600, host, 1, true, 1, 'CRITICAL - down'));
    add(alertEntry(day + 5 * 3600, host, 0, true, 1, 'OK'));
    add(downtimeEntry(day + 5 * 3600 + 60, host, 'STOPPED'));
    add(alertEntry(day + 6 * 3600, host, 1, true, 1, 'CRITICAL - down'));
    add(alertEntry(day + 6 * 3600 + 1800, host, 0, true, 1, 'OK'));
    add(alertEntry(day + 8 * 3600, host, 1, false, 1, 'CRITICAL - flaky'));
    add(alertEntry(day + 9 * 3600, host, 0, true, 1, 'OK'));
    h = await connect({ simulator: realThruk(sim) });
  });
  after(async () => {
    await h.close();
  });

  const window = { since: new Date((day + 3600) * 1000).toISOString(), until: new Date((day + 12 * 3600) * 1000).toISOString() };

  it('separates downtime-covered outage from the rest and does not count it by default', async () => {
    const r = await h.call('thruk_host_availability', { host: 'web-03', ...window });
    assert.equal(r.isError, undefined, r.text);
    assert.equal(r.structured.planned_s, 7200);
    assert.equal(r.structured.unplanned_s, 1800);
    assert.equal(r.structured.downtime_s, 7200 + 120);
    const known = 11 * 3600;
    assert.equal(r.structured.availability_percent, Math.floor(((known - 1800) / known) * 100 * 1e4 + 1e-7) / 1e4);
    assert.match(r.text, /\nweb-03 \| 95\.454% \| 30m \| 2h \| down 2h 30m \| 0s$/);
    const strict = await h.call('thruk_host_availability', { host: 'web-03', ...window, with_downtimes: true });
    assert.equal(strict.structured.availability_percent, Math.floor(((known - 9000) / known) * 100 * 1e4 + 1e-7) / 1e4);
    assert.match(strict.text, /problem time in scheduled downtime counts as outage/);
  });

  it('counts SOFT states only when asked, and sends Thruk the value it understands', async () => {
    const soft = await h.call('thruk_host_availability', { host: 'web-03', ...window, include_soft_states: true });
    assert.equal(soft.structured.unplanned_s, 1800 + 3600);
    assert.match(soft.text, /SOFT and HARD states/);
  });

  it('rolls planned and unplanned up for the group', async () => {
    const r = await h.call('thruk_hostgroup_availability_summary', { hostgroup: 'web-servers', ...window });
    assert.equal(r.structured.hosts.planned_s, 7200);
    assert.equal(r.structured.hosts.unplanned_s, 1800);
    assert.equal(r.structured.hosts.worst.host, 'web-03');
    assert.deepEqual(r.structured.hosts.below_target_names, ['web-03']);
  });
});

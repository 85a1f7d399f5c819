/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import type { Simulator } from '../src/sim/index.js';
import { parseQuery } from '../src/sim/qlang.js';

const NOW = 1795237158_000;
const KEY = 'testkey';

function sim(opts: Parameters<typeof createSimulator>[0] = {}): Simulator {
  return createSimulator({ apiKey: KEY, now: () => NOW, ...opts });
}

async function call(
  s: Simulator,
  path: string,
  init: RequestInit & { key?: string | null } = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('X-Thruk-Auth-Key', init.key ?? KEY);
  const res = await s.fetch(new Request(`http://sim.invalid/thruk/r${path}`, { ...init, headers }));
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const q = (expr: string): string => encodeURIComponent(expr);
const names = (rows: any[]): string[] => rows.map((r) => r.name).sort();

describe('q language', () => {
  it('parses comparisons and folds and/or strictly left to right (no precedence)', () => {
    assert.deepEqual(parseQuery('state = 1'), { kind: 'cmp', key: 'state', op: '=', value: '1' });
    const t1 = parseQuery('a = 1 and b = 2 or c = 3');
    assert.equal(t1?.kind, 'or');
    const t2 = parseQuery('a = 1 or b = 2 and c = 3');
    assert.equal(t2?.kind, 'and');
    assert.equal(t2?.kind === 'and' && t2.left.kind, 'or');
    assert.equal(parseQuery('(a = 1 || b = 2) && c = 3')?.kind, 'and');
  });

  it('rewrites ~ to case-insensitive ~~ and host/service keys', () => {
    assert.deepEqual(parseQuery('host ~ "^web"'), { kind: 'cmp', key: 'host_name', op: '~~', value: '^web' });
    assert.deepEqual(parseQuery("service !~ 'x'"), { kind: 'cmp', key: 'description', op: '!~~', value: 'x' });
    assert.deepEqual(parseQuery('name like web'), { kind: 'cmp', key: 'name', op: '~~', value: 'web' });
  });

  it('has no escape character: quotes end at the next identical quote, backslashes are literal', () => {
    assert.deepEqual(parseQuery('description = \'disk "data"\''), { kind: 'cmp', key: 'description', op: '=', value: 'disk "data"' });
    assert.deepEqual(parseQuery('description = "C:\\ Drive"'), { kind: 'cmp', key: 'description', op: '=', value: 'C:\\ Drive' });
    assert.deepEqual(parseQuery('***name = web-01***'), { kind: 'cmp', key: 'name', op: '=', value: 'web-01' });
  });

  it('reports syntax errors with Thruk messages as 500', async () => {
    const s = sim();
    const cases: Array<[string, RegExp]> = [
      ['state!!=0', /^unknown operator !!= at lib\/Thruk\/Utils\/Status\.pm line 2774\.\n$/],
      ['(state=1 or state=2', /^expected closing bracket at /],
      ['name~^web-', /^unexpected end of query after name~\^web- at /],
      ['description = disk /', /parse error/],
    ];
    for (const [expr, re] of cases) {
      const r = await call(s, `/hosts?q=${q(expr)}`);
      assert.equal(r.status, 500, expr);
      assert.equal(r.body.message, 'error during request');
      assert.match(r.body.description, re);
      assert.equal(r.body.failed, true);
    }
    const eqeq = await call(s, `/hosts?q=${q('state == 1')}`);
    assert.equal(eqeq.status, 500);
    assert.match(eqeq.body.description, /unsupported operator: ==/);
  });

  it('evaluates without precedence against the estate', async () => {
    const s = sim();
    const a = await call(s, `/hosts?columns=name&q=${q('name = web-01 or name = win-app-01 and state = 1')}`);
    assert.deepEqual(names(a.body), ['win-app-01']);
    const b = await call(s, `/hosts?columns=name&q=${q('name = web-01 or (name = win-app-01 and state = 1)')}`);
    assert.deepEqual(names(b.body), ['web-01', 'win-app-01']);
  });

  it('finds awkward names with the right quoting', async () => {
    const s = sim();
    const find = async (expr: string): Promise<string[]> =>
      (await call(s, `/services?columns=description&q=${q(expr)}`)).body.map((r: any) => r.description);
    assert.deepEqual(await find('description = \'disk "data"\''), ['disk "data"']);
    assert.deepEqual(await find('description = "backup \'nightly\'"'), ["backup 'nightly'"]);
    assert.deepEqual(await find('description = "C:\\ Drive"'), ['C:\\ Drive']);
    assert.deepEqual(await find('description = "Lüfter Status"'), ['Lüfter Status']);
    const fqdn = await call(s, `/hosts?columns=name&q=${q('name = nas-01.example.com')}`);
    assert.deepEqual(names(fqdn.body), ['nas-01.example.com']);
  });
});

describe('filters', () => {
  it('bracket ops: names and literal symbols, repeated params are AND-ed', async () => {
    const s = sim();
    const a = await call(s, '/hosts?columns=name&state[ne]=0&state[ne]=2');
    assert.deepEqual(names(a.body), ['branch-router-01', 'mail-01', 'win-app-01']);
    const b = await call(s, '/hosts?columns=name&state[gte]=2');
    assert.deepEqual(names(b.body), ['branch-ap-01']);
    const c = await call(s, '/hosts?columns=name&name[REGEX]=^db-0[12]$');
    assert.deepEqual(names(c.body), ['db-01', 'db-02']);
  });

  it('a parameter named with ~ ! = < > is ignored, as Thruk::Request drops it (real Thruk 3.20.2)', async () => {
    const s = sim();
    const all = names((await call(s, '/hosts?columns=name')).body);
    assert.ok(all.length > 10);
    for (const key of ['name[~]', 'name[~~]', 'name[!~]', 'name[!~~]', 'name[!=]', 'state[>=]', 'state[<]', 'groups[!>=]']) {
      for (const value of ['^web', 'web-01', '1']) {
        const got = await call(s, `/hosts?columns=name&${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
        assert.equal(got.status, 200);
        assert.deepEqual(names(got.body), all, `${key}=${value} must filter nothing`);
      }
    }
    // Form bodies go through the same parser.
    const post = await call(s, '/hosts?columns=name', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name%5B~%5D=%5Eweb&name%5Bregex%5D=01%24',
    });
    assert.equal(post.status, 200, post.text);
    assert.deepEqual(
      names(post.body),
      all.filter((n) => n.endsWith('01')),
    );
    // A repeated q is a parse error in Thruk (probed on the real stack: 500 "unknown operator (").
    const twoQ = await call(s, `/hosts?columns=name&q=${q('state = 0')}&q=${q('name = "web-01"')}`);
    assert.equal(twoQ.status, 500);
    assert.match(twoQ.body.description, /^unknown operator \(/);
    // The word operators do filter.
    assert.deepEqual(names((await call(s, '/hosts?columns=name&name[regex]=^web')).body), ['web-01', 'web-02', 'web-03', 'web-04']);
    assert.deepEqual(names((await call(s, '/hosts?columns=name&name[nregex]=^web')).body).length, all.length - 4);
  });

  it('[regex] and q ~ are case-insensitive; = is case-sensitive on real columns only', async () => {
    const s = sim();
    assert.equal((await call(s, '/hosts?columns=name&name[regex]=^WEB')).body.length, 4);
    assert.equal((await call(s, `/hosts?columns=name&q=${q('name ~ "^WEB"')}`)).body.length, 4);
    assert.equal((await call(s, '/hosts?columns=name&name=WEB-01')).body.length, 0);
    const os = await call(s, '/hosts?columns=name&_OS=LINUX');
    assert.ok(os.body.length >= 10, 'custom variables compare case-insensitively (Perl only)');
  });

  it('list columns: = one element, >= membership, <= / !>= non-membership, regex any element', async () => {
    const s = sim();
    const eq = names((await call(s, '/hosts?columns=name&groups=windows-servers')).body);
    assert.ok(eq.includes('win-dc-01') && !eq.includes('web-01'));
    assert.equal(
      (await call(s, '/hosts?columns=name&groups=linux-servers')).body.some((r: any) => r.name === 'web-01'),
      false,
      'web-01 has two groups',
    );
    const member = names((await call(s, '/hosts?columns=name&groups[gte]=web-servers')).body);
    assert.deepEqual(member, ['web-01', 'web-02', 'web-03', 'web-04']);
    const notMember = (await call(s, '/hosts?columns=name&groups[lte]=linux-servers')).body.length;
    const notin = (await call(s, '/hosts?columns=name&groups[notin]=linux-servers')).body.length;
    const all = (await call(s, '/hosts?columns=name')).body.length;
    assert.equal(notMember, notin);
    assert.equal(notMember + (await call(s, '/hosts?columns=name&groups[gte]=linux-servers')).body.length, all);
    assert.deepEqual(names((await call(s, '/hosts?columns=name&groups[regex]=^web')).body), member);
  });

  it('relative time values', async () => {
    const s = sim();
    const recent = (await call(s, '/services?columns=description&last_check[gte]=-10m')).body.length;
    const active = (await call(s, '/services?columns=description&check_type=0&has_been_checked=1')).body.length;
    assert.equal(recent, active, 'every checked active service was checked within the last 10 minutes');
    const old = (await call(s, `/hosts?columns=name&q=${q('last_state_change <= "-1d" and state != 0')}`)).body;
    assert.deepEqual(names(old), ['mail-01', 'win-app-01']);
    assert.equal(
      (await call(s, '/logs?columns=time&time[gte]=-1h')).body.every((r: any) => r.time >= NOW / 1000 - 3600),
      true,
    );
  });

  it('possible typo: unknown keys are 400 unless the result is empty or the key starts with _', async () => {
    const s = sim();
    const r = await call(s, '/hosts?columns=name&background=1');
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'possible typo in filter');
    assert.equal(r.body.description, 'no datarow has attribute(s) named: background');
    assert.match(r.body.help, /^lists livestatus hosts\./);
    assert.equal((await call(s, `/hosts?columns=name&foo=1&q=${q('name = nope')}`)).status, 200);
    assert.deepEqual((await call(s, '/hosts?columns=name&_NOSUCH=1')).body, []);
    assert.equal((await call(s, `/hosts?q=${q('nosuchcolumn = 1')}`)).status, 400);
    assert.equal((await call(s, '/services?columns=description&rta[gt]=100')).status, 200, 'perf labels are known keys');
  });

  it('invalid regex is a 500', async () => {
    const r = await call(sim(), '/hosts?name[regex]=(unclosed');
    assert.equal(r.status, 500);
    assert.match(r.body.description, /invalid regex/);
  });
});

describe('columns, sort, limit, aggregation', () => {
  it('renames, unknown columns as null, sort by alias', async () => {
    const r = await call(sim(), `/hosts?columns=${q('name:host,state as status,nosuch')}&sort=-status,host&limit=100`);
    assert.deepEqual(Object.keys(r.body[0]), ['host', 'nosuch', 'status']);
    assert.equal(r.body[0].nosuch, null);
    assert.equal(r.body[0].status, 2);
    assert.equal(r.body[0].host, 'branch-ap-01');
  });

  it('reproduces the sort+limit quirk unless a Perl-only filter is used', async () => {
    const s = sim();
    const full = (await call(s, '/hosts?columns=name,state&sort=-state,name')).body;
    const limited = (await call(s, '/hosts?columns=name,state&sort=-state,name&limit=5')).body;
    assert.deepEqual(
      limited.map((r: any) => r.name),
      ['win-app-01', 'dist-switch-01', 'dist-switch-02', 'web-02', 'web-04'],
    );
    assert.notDeepEqual(limited, full.slice(0, 5));
    const perl = (await call(s, '/hosts?columns=name,state&sort=-state,name&limit=5&rta[gte]=0')).body;
    assert.deepEqual(perl, full.slice(0, 5));
    assert.deepEqual((await call(s, '/hosts?columns=name&limit=abc')).body, []);
    assert.deepEqual(
      (await call(s, '/hosts?columns=name&sort=nosuchcolumn&limit=2')).body.map((r: any) => r.name),
      ['web-02', 'web-04'],
    );
    assert.equal((await call(s, '/hosts?columns=name&sort=na`me')).status, 500);
  });

  it('aggregates with and without group-by', async () => {
    const s = sim();
    const count = (await call(s, '/hosts?columns=count(*)')).body;
    assert.deepEqual(count, { 'count(*)': 25 });
    const by = (await call(s, `/hosts?columns=${q('count(*):total,state')}&sort=state`)).body;
    assert.deepEqual(by, [
      { state: 0, total: 21 },
      { state: 1, total: 3 },
      { state: 2, total: 1 },
    ]);
    const aggs = (await call(s, `/services?columns=${q('sum(state),avg(state),min(state),max(state),count(*)')}`)).body;
    const rows = (await call(s, '/services?columns=state')).body.map((r: any) => r.state);
    assert.equal(
      aggs['sum(state)'],
      rows.reduce((a: number, b: number) => a + b, 0),
    );
    assert.equal(aggs['count(*)'], rows.length);
    assert.equal(aggs['max(state)'], 3);
    assert.ok(Math.abs(aggs['avg(state)'] - aggs['sum(state)'] / rows.length) < 1e-9);
    const empty = (await call(s, `/hosts?columns=${q('count(*),avg(latency)')}&name=nope`)).body;
    assert.deepEqual(empty, { 'avg(latency)': null, 'count(*)': 0 });
    const top = (await call(s, `/services?columns=${q('count(*),host_name')}&sort=-count(*)&limit=1&rta[gte]=0`)).body;
    assert.equal(top.length, 1);
  });

  it('wrapped_json adds meta.columns in the given order', async () => {
    const r = await call(sim(), '/hosts?columns=name,last_check,execution_time&headers=wrapped_json&limit=2');
    assert.deepEqual(r.body.meta.columns, [
      { name: 'name' },
      { name: 'last_check', type: 'time' },
      { config: { unit: 's' }, name: 'execution_time', type: 'number' },
    ]);
    assert.equal(r.body.data.length, 2);
  });

  it('expands perf data and custom variables', async () => {
    const s = sim();
    const [load] = (await call(s, '/services/web-02/load')).body;
    assert.equal(load.load1, 6.12);
    assert.equal(load.load1_unit, '');
    assert.equal(load.perf_data_expanded.length, 3);
    assert.equal(load.host_rta, 0.42);
    assert.equal(load._HOSTOS, 'linux');
    const sel = (await call(s, '/services?columns=host_name,load1,_HOSTOS&description=load&load1[gt]=5')).body;
    assert.deepEqual(sel, [{ _HOSTOS: 'linux', host_name: 'web-02', load1: 6.12 }]);
    const [row] = (await call(s, '/services/win-dc-02/services?columns=long_plugin_output')).body;
    assert.equal(row.long_plugin_output, 'W32Time: stopped\\nNetlogon: stopped\\nDNS: running');
  });
});

describe('stats and totals', () => {
  it('host and service totals agree with the rows', async () => {
    const s = sim();
    const hosts = (await call(s, '/hosts?columns=name,state,has_been_checked,acknowledged,scheduled_downtime_depth,active_checks_enabled'))
      .body;
    const totals = (await call(s, '/hosts/totals')).body;
    assert.equal(totals.total, hosts.length);
    assert.equal(totals.down, hosts.filter((h: any) => h.state === 1).length);
    assert.equal(
      totals.down_and_unhandled,
      hosts.filter((h: any) => h.state === 1 && !h.acknowledged && h.scheduled_downtime_depth === 0 && h.active_checks_enabled === 1)
        .length,
    );
    const svcs = (
      await call(
        s,
        '/services?columns=state,has_been_checked,acknowledged,scheduled_downtime_depth,host_state,host_acknowledged,host_scheduled_downtime_depth',
      )
    ).body;
    const st = (await call(s, '/services/totals')).body;
    assert.equal(st.total, svcs.length);
    assert.equal(st.pending, svcs.filter((x: any) => x.has_been_checked === 0).length);
    for (const [name, state] of [
      ['warning', 1],
      ['critical', 2],
      ['unknown', 3],
    ] as const) {
      assert.equal(st[name], svcs.filter((x: any) => x.has_been_checked === 1 && x.state === state).length, name);
      const unhandled = svcs.filter(
        (x: any) =>
          x.state === state &&
          !x.acknowledged &&
          x.scheduled_downtime_depth === 0 &&
          x.host_state === 0 &&
          !x.host_acknowledged &&
          x.host_scheduled_downtime_depth === 0,
      );
      assert.equal(st[`${name}_and_unhandled`], unhandled.length, `${name}_and_unhandled`);
    }
    const stats = (await call(s, '/services/stats?columns=total,critical:crit')).body;
    assert.deepEqual(stats, { crit: st.critical, total: st.total });
    const filtered = (await call(s, '/hosts/stats?groups[gte]=network-devices')).body;
    assert.equal(filtered.total, hosts.filter(() => true).length - 18);
    assert.equal(filtered.outages, 1);
    assert.deepEqual((await call(s, '/hostgroups/linux-servers/stats?columns=total')).body, { total: 12 });
  });
});

describe('paths, backends, auth', () => {
  it('serves OMD prefixes, /v1 and singular resource names; /hosts/stats beats /hosts/<name>', async () => {
    const s = sim();
    for (const p of ['/demo/thruk/r/hosts/web-01', '/thruk/r/v1/host/web-01']) {
      const res = await s.fetch(new Request(`http://x${p}?columns=name`, { headers: { 'X-Thruk-Auth-Key': KEY } }));
      assert.deepEqual(await res.json(), [{ name: 'web-01' }]);
    }
    assert.equal(typeof (await call(s, '/hosts/stats')).body.total, 'number');
    assert.deepEqual((await call(s, '/services/db-03/disk%20%2F?columns=description')).body, [{ description: 'disk /' }]);
    assert.deepEqual((await call(s, '/hosts/no-such-host')).body, []);
    const unknown = await call(s, '/no/such/path');
    assert.deepEqual(unknown.body, { code: 404, failed: true, message: 'unknown rest path: /no/such/path' });
  });

  it('several sites: peer fields, same host on both, /sites prefix and backends=', async () => {
    const s = sim({ sites: ['berlin', 'hamburg'], hosts: 5 });
    const all = (await call(s, '/hosts?columns=name,peer_key,peer_name&name=web-02')).body;
    assert.deepEqual(all.map((r: any) => r.peer_key).sort(), ['berlin', 'hamburg']);
    const one = (await call(s, '/sites/hamburg/hosts?columns=name,peer_name')).body;
    assert.ok(one.length === 5 && one.every((r: any) => r.peer_name === 'hamburg'));
    assert.equal((await call(s, '/hosts?columns=name&backends=berlin')).body.length, 5);
    assert.equal((await call(s, '/sites/ALL/hosts/totals')).body.total, 10);
    const bad = await call(s, '/hosts?backend=paris');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /failed to find backend\(s\): paris/);
    assert.deepEqual(
      (await call(s, '/sites')).body.map((r: any) => r.name),
      ['berlin', 'hamburg'],
    );
    const groups = (await call(s, '/hostgroups/linux-servers?columns=peer_key')).body;
    assert.deepEqual(groups, [{ peer_key: ['berlin', 'hamburg'] }]);
  });

  it('authenticates like Thruk: 403 bodies, impersonation, created keys', async () => {
    const s = sim();
    const none = await call(s, '/hosts', { key: null });
    assert.equal(none.status, 403);
    assert.deepEqual(none.body, {
      code: 403,
      description: 'It seems like you are not authorized.',
      failed: true,
      message: 'You are not authorized.',
    });
    assert.deepEqual((await call(s, '/hosts', { key: 'nope' })).body, { code: 403, failed: true, message: 'wrong authentication key' });
    assert.equal((await call(s, '/hosts', { key: 'not a key!' })).status, 403);
    assert.equal((await call(s, '/thruk/whoami')).body.id, '(api)');
    assert.equal((await call(s, '/thruk/whoami', { headers: { 'X-Thruk-Auth-User': 'alice' } })).body.id, 'alice');
    const created = await call(s, '/thruk/api_keys', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Thruk-Auth-User': 'bob' },
      body: JSON.stringify({ comment: 'x' }),
    });
    assert.equal(created.body.message, 'successfully created api key');
    const who = await call(s, '/thruk/whoami', { key: created.body.private_key, headers: { 'X-Thruk-Auth-User': 'mallory' } });
    assert.equal(who.body.id, 'bob');
    assert.equal((await call(s, '/thruk/jobs/nope')).status, 404);
  });

  it('POST to a GET path is a GET; JSON bodies need the JSON content type', async () => {
    const s = sim();
    const post = await call(s, '/hosts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'columns=name&name=web-01',
    });
    assert.deepEqual(post.body, [{ name: 'web-01' }]);
    const wrong = await call(s, '/hosts/web-01/cmd/add_host_comment', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '{"comment_data":"x"}',
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, 'got json request data but content type is not application/json');
  });
});

describe('logs, availability, determinism', () => {
  it('logs default to the last 24 h; alerts and notifications are views of them', async () => {
    const s = sim();
    const now = NOW / 1000;
    const logs = (await call(s, '/logs?columns=time,class,type')).body;
    assert.ok(logs.length > 0 && logs.every((r: any) => r.time >= now - 86400));
    const week = (await call(s, '/logs?columns=time&time[gte]=-7d')).body;
    assert.ok(week.length > logs.length);
    const alerts = (await call(s, '/alerts?columns=type')).body;
    assert.ok(alerts.length > 0 && alerts.every((r: any) => /^(HOST|SERVICE) ALERT$/.test(r.type)));
    const notes = (await call(s, '/notifications')).body;
    assert.ok(
      notes.length > 0 &&
        notes.every((r: any) => r.class === 3 && typeof r.command_name === 'string' && typeof r.contact_name === 'string'),
    );
    const host = (await call(s, '/hosts/branch-router-01/alerts?columns=host_name,type')).body;
    assert.ok(host.some((r: any) => r.type === 'HOST ALERT') && host.every((r: any) => r.host_name === 'branch-router-01'));
  });

  it('availability sums to the report period and reflects an outage', async () => {
    const s = sim();
    const up = (await call(s, '/hosts/web-01/availability')).body;
    assert.equal(up.time_up + up.time_down + up.time_unreachable + up.time_indeterminate_nodata, 86400);
    const down = (await call(s, '/hosts/branch-router-01/availability')).body;
    assert.ok(down.time_down > 5 * 3600 - 120 && down.time_down < 5 * 3600 + 120, String(down.time_down));
    const outages = (await call(s, '/hosts/outages')).body;
    assert.ok(outages.some((o: any) => o.host === 'branch-router-01' && o.class === 'down'));
    assert.equal((await call(s, '/hosts/no-such/availability')).status, 500);
  });

  it('is deterministic for a seed', async () => {
    const a = (await call(sim({ seed: 7 }), '/logs?columns=time,message&time[gte]=-7d')).text;
    const b = (await call(sim({ seed: 7 }), '/logs?columns=time,message&time[gte]=-7d')).text;
    const c = (await call(sim({ seed: 8 }), '/logs?columns=time,message&time[gte]=-7d')).text;
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});

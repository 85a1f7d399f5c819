/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { briefCommand } from '../src/cli/brief.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { tokens } from '../bench/lib/util.js';
import { estimateTokens } from '../src/tools/lib/format.js';
import { connect, demoConfig, post, rest, type Harness } from './helpers/loose.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

type Raw = Record<string, any>;

/** The brief's definition of unhandled, computed from raw rows (the simulator's REST answer). */
/** Thruk on Icinga 2 sends flags as JSON booleans, on Naemon as 0/1. */
const off = (v: unknown) => v === 0 || v === false || v === '0';
const unhandledHost = (h: Raw) => h.state !== 0 && off(h.acknowledged) && off(h.scheduled_downtime_depth);
const unhandledService = (s: Raw) =>
  s.state !== 0 &&
  off(s.acknowledged) &&
  off(s.scheduled_downtime_depth) &&
  off(s.host_state) &&
  off(s.host_acknowledged) &&
  off(s.host_scheduled_downtime_depth);

async function truth(h: Pick<Harness, 'sim' | 'config'>) {
  const hosts: Raw[] = await rest(h, '/hosts', {
    columns: 'name,state,acknowledged,scheduled_downtime_depth,last_state_change,is_flapping,has_been_checked,peer_name',
  });
  const services: Raw[] = await rest(h, '/services', {
    columns:
      'host_name,description,state,acknowledged,scheduled_downtime_depth,host_state,host_acknowledged,host_scheduled_downtime_depth,last_state_change,is_flapping,has_been_checked,peer_name',
  });
  const downtimes: Raw[] = await rest(h, '/downtimes', { columns: 'id,start_time,end_time,author,comment' });
  const uh = hosts.filter(unhandledHost);
  const us = services.filter(unhandledService);
  const problems = hosts.filter((x) => x.state !== 0).length + services.filter((x) => x.state !== 0).length;
  const newest = [
    ...uh.map((x) => ({ host: x.name, service: undefined, lsc: x.last_state_change })),
    ...us.map((x) => ({ host: x.host_name, service: x.description, lsc: x.last_state_change })),
  ].sort((a, b) => b.lsc - a.lsc);
  return {
    unhandled: uh.length + us.length,
    uhHosts: uh.length,
    uhServices: us.length,
    handled: problems - uh.length - us.length,
    newest,
    flapping: hosts.filter((x) => !off(x.is_flapping)).length + services.filter((x) => !off(x.is_flapping)).length,
    never: hosts.filter((x) => off(x.has_been_checked)).length + services.filter((x) => off(x.has_been_checked)).length,
    downtimes,
  };
}

/** Every /hosts, /services and /downtimes read the brief made is filtered or aggregated by Thruk. */
function assertNoFullTableRead(sim: Simulator, from: number): number {
  const reqs = sim.requests.slice(from).filter((r) => ['/hosts', '/services', '/downtimes'].includes(r.path));
  for (const r of reqs) {
    const filtered = r.params.some(([k]) => k !== 'columns' && k !== 'backend');
    const aggregated = r.params.some(([k, v]) => k === 'columns' && /count\(\*\)/.test(v));
    assert.ok(filtered || aggregated, `full-table read: ${r.path}?${r.params.map(([k, v]) => `${k}=${v}`).join('&')}`);
  }
  return reqs.length;
}

describe('thruk_brief on the 25-host demo', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('agrees with the raw rows: unhandled newest first with age, handled counted, the rest folded with the oldest', async () => {
    const t = await truth(h);
    const mark = h.sim.requests.length;
    const r = await h.call('thruk_brief');
    assert.equal(r.isError, undefined, r.text);
    const d = r.structured;
    assert.equal(d.unhandled.total, t.unhandled);
    assert.equal(d.unhandled.hosts, t.uhHosts);
    assert.equal(d.unhandled.services, t.uhServices);
    assert.equal(d.handled, t.handled);
    assert.ok(t.unhandled > 10, 'the demo has more unhandled problems than one page');
    assert.equal(d.unhandled.shown, 10);
    assert.equal(d.unhandled.older, t.unhandled - 10);
    assert.deepEqual(
      d.unhandled.rows.map((p: Raw) => `${p.host}/${p.service ?? ''}`),
      t.newest.slice(0, 10).map((p) => `${p.host}/${p.service ?? ''}`),
    );
    const oldest = Math.min(...t.newest.map((p) => p.lsc));
    assert.equal(d.unhandled.oldest_since, new Date(oldest * 1000).toISOString().replace('.000Z', 'Z'));
    assert.match(r.text, new RegExp(`Newest first, showing 10 of ${t.unhandled} problems`));
    assert.match(r.text, new RegExp(`\\+ ${t.unhandled - 10} older unhandled, the oldest since .* ago \\(`));
    for (const p of d.unhandled.rows) assert.ok(p.age_s >= 0 && typeof p.since === 'string');
    assert.equal(d.flapping.total, t.flapping);
    assert.equal(d.stale.never_checked, t.never);
    assert.equal(d.backends.total, 1);
    assert.match(r.text, /Backends: all 1 connected and healthy\./);
    const n = tokens(r.text);
    assert.ok(n <= 1500, `brief is ${n} tokens on the demo (≤ 1 500)`);
    assert.ok(assertNoFullTableRead(h.sim, mark) > 0);
  });

  it('separates downtimes now from those starting within the next hours (planned work is not an incident)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await post(h, '/hosts/web-01/cmd/schedule_host_downtime', {
      start_time: now + 7200,
      end_time: now + 10800,
      comment_data: 'kernel patching OPS-7',
      comment_author: 'alice',
      fixed: 1,
    });
    await post(h, '/hosts/web-02/cmd/schedule_host_downtime', {
      start_time: now + 36000,
      end_time: now + 39600,
      comment_data: 'far away',
      comment_author: 'bob',
      fixed: 1,
    });
    const t = await truth(h);
    const activeNow = t.downtimes.filter((x) => x.start_time <= now && x.end_time >= now);
    const soon = t.downtimes.filter((x) => x.start_time > now && x.start_time <= now + 4 * 3600);
    assert.equal(soon.length, 1);
    const d = (await h.call('thruk_brief', { hours_ahead: 4 })).structured;
    assert.equal(d.downtimes.now.objects, activeNow.length);
    assert.equal(d.downtimes.upcoming.objects, 1);
    assert.equal(d.downtimes.upcoming.rows[0].comment, 'kernel patching OPS-7');
    assert.equal(d.downtimes.upcoming.rows[0].author, 'alice');
    const text = (await h.call('thruk_brief', { hours_ahead: 4 })).text;
    assert.match(
      text,
      /Downtimes starting within 4h: 1 maintenance, 1 object \(planned, not incidents\):\n- "kernel patching OPS-7" by alice: 1 object, starts in (1h 59m|2h) \(/,
    );
    assert.doesNotMatch(text, /far away/);
    assert.equal((await h.call('thruk_brief', { hours_ahead: 12 })).structured.downtimes.upcoming.objects, 2);
  });

  it('says when the backend health could not be read instead of failing the brief', async () => {
    const undo = h.sim.injectFault({ match: /\/sites$/, status: 500 });
    try {
      const r = await h.call('thruk_brief');
      assert.equal(r.isError, undefined, r.text);
      assert.match(r.text, /Note: Backend health unknown: \/sites did not answer/);
    } finally {
      undo();
    }
  });

  it('fits a small answer budget by listing fewer lines, still saying what it left out', async () => {
    const small = await connect({ config: { maxAnswerTokens: 500 } });
    try {
      const wide = await h.call('thruk_brief', { limit: 50 });
      assert.ok(estimateTokens(wide.text) > 500, 'the unbounded brief would not fit');
      const r = await small.call('thruk_brief', { limit: 50 });
      assert.equal(r.isError, undefined, r.text);
      assert.ok(estimateTokens(r.text) <= 500, `${estimateTokens(r.text)} estimated tokens`);
      const d = r.structured;
      assert.ok(d.unhandled.shown < d.unhandled.total);
      assert.equal(d.unhandled.older, d.unhandled.total - d.unhandled.shown);
      assert.match(r.text, new RegExp(`showing ${d.unhandled.shown} of ${d.unhandled.total} problems`));
    } finally {
      await small.close();
    }
  });

  it('refuses bad input with the argument named', async () => {
    const r = await h.call('thruk_brief', { limit: 0 });
    assert.equal(r.isError, true);
    assert.match(r.text, /limit/);
  });
});

describe('thruk_brief on several sites', () => {
  it('counts every site, names the site of each row, and shows a site that is down', async () => {
    const sim = createSimulator({ apiKey: 'demo', sites: ['berlin', 'paris'] });
    // One site reported down by Thruk, as /sites says it (status 1, last_error).
    const fetch = async (req: Request) => {
      const res = await sim.fetch(req);
      if (!new URL(req.url).pathname.endsWith('/sites')) return res;
      const rows = (await res.json()) as Raw[];
      const out = rows.map((s) => (s.name === 'paris' ? { ...s, status: 1, connected: 0, last_error: 'connection refused' } : s));
      return new Response(JSON.stringify(out), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const h = await connect({ simulator: { ...sim, fetch } });
    try {
      const t = await truth(h);
      const r = await h.call('thruk_brief', { limit: 20 });
      const d = r.structured;
      assert.equal(d.unhandled.total, t.unhandled);
      assert.ok(t.unhandled > 20, 'more problems than one page across the two sites');
      assert.ok(
        d.unhandled.rows.some((p: Raw) => p.peer_name === 'berlin') && d.unhandled.rows.some((p: Raw) => p.peer_name === 'paris'),
        'rows name their site',
      );
      assert.match(r.text, /@berlin \|/);
      assert.equal(d.backends.total, 2);
      assert.equal(d.backends.disconnected, 1);
      assert.match(
        r.text,
        /Backends: 1 of 2 unhealthy \(1 disconnected, 0 degraded\).*\n- paris: disconnected, disconnected: connection refused/,
      );
    } finally {
      await h.close();
    }
  });
});

describe('thruk_brief on two cores holding the same names', () => {
  // Issue 12: "Flapping now: app-01/queue-depth, …, app-01/queue-depth" read as one object listed twice.
  it('names the core of each flapping and never-run object, as the raw rows say', async () => {
    const sim = createSimulator({ apiKey: 'demo', sites: ['icinga', 'naemon'] });
    const h = await connect({ simulator: sim });
    try {
      const r = await h.call('thruk_brief', { limit: 50 });
      const want = (path: string) =>
        rest(h, path).then((rows) =>
          (rows as Raw[]).map((x) => `${String(x.host_name)}@${String(x.peer_name)}/${String(x.description)}`).sort(),
        );
      const flapping = await want('/services?is_flapping=1&columns=host_name,description,peer_name');
      const never = await want('/services?has_been_checked=0&columns=host_name,description,peer_name');
      assert.ok(
        flapping.length >= 2 && new Set(flapping.map((x) => x.replace(/@[^/]+/, ''))).size < flapping.length,
        'the estate has one flapping name on both cores',
      );
      const line = r.text.split('\n').find((l) => l.startsWith('Flapping now: ')) ?? '';
      assert.deepEqual(
        line
          .replace(/^Flapping now: [^:]+: /, '')
          .replace(/\.$/, '')
          .split(', ')
          .sort(),
        flapping,
        line,
      );
      const stale = r.text
        .split('\n')
        .filter((l) => l.endsWith(': never run'))
        .map((l) => l.slice(2, -': never run'.length))
        .sort();
      assert.deepEqual(stale, never);
      assert.ok(
        (r.structured.flapping.rows as Raw[]).every((x) => typeof x.peer_name === 'string'),
        'structuredContent names the core too',
      );
    } finally {
      await h.close();
    }
  });
});

describe('thruk_brief on 50 000 hosts', () => {
  it('stays within 3 000 tokens and the answer budget, reads no full table, and groups what it cannot list', async () => {
    const sim = createSimulator({ apiKey: 'demo', hosts: 50_000 });
    const h = await connect({ simulator: sim });
    try {
      const counts = async (path: string, params: Record<string, string>) =>
        (await rest(h, path, { ...params, columns: 'count(*):n' })).n as number;
      const mark = sim.requests.length;
      const r = await h.call('thruk_brief');
      assert.equal(r.isError, undefined, r.text);
      const d = r.structured;
      const uh = await counts('/hosts', { 'state[ne]': '0', acknowledged: '0', scheduled_downtime_depth: '0' });
      const us = await counts('/services', {
        'state[ne]': '0',
        acknowledged: '0',
        scheduled_downtime_depth: '0',
        host_state: '0',
        host_acknowledged: '0',
        host_scheduled_downtime_depth: '0',
      });
      assert.equal(d.unhandled.total, uh + us);
      assert.ok(d.unhandled.total > 1000);
      const n = tokens(r.text);
      assert.ok(n <= 3000, `brief is ${n} tokens on 50 000 hosts (≤ 3 000)`);
      assert.ok(n <= h.config.maxAnswerTokens);
      // Too many changed at once to list: grouped by Thruk, and the cut is said.
      if (d.unhandled.shown === 0) {
        assert.ok(d.unhandled.groups.length > 0);
        assert.match(r.text, new RegExp(`showing ${d.unhandled.groups.length} of ${d.unhandled.groups_total} groups`));
      } else assert.match(r.text, new RegExp(`showing ${d.unhandled.shown} of ${d.unhandled.total} problems`));
      assert.match(r.text, /Flapping now: showing \d+ of \d+ objects|Flapping now: none|Flapping now: \d+ objects?:/);
      assert.ok(assertNoFullTableRead(sim, mark) < 40, 'a handful of requests');
    } finally {
      await h.close();
    }
  });
});

describe('thruk-mcp brief (command line)', () => {
  const deps = (sim: Simulator) => {
    const config = demoConfig();
    const log = createLogger('silent');
    const runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((req) => sim.fetch(req)),
    );
    return { runtime, deps: { config, thruk: runtime.thruk, log } };
  };
  const io = () => {
    const o = { stdout: '', stderr: '', out: (s: string) => void (o.stdout += s), err: (s: string) => void (o.stderr += s) };
    return o;
  };

  it('exits 1 with unhandled problems, 0 once every problem is handled, 2 on a bad argument', async () => {
    const sim = createSimulator({ apiKey: 'demo' });
    const { runtime, deps: d } = deps(sim);
    try {
      const a = io();
      assert.equal(await briefCommand(d, {}, false, a), 1, a.stderr);
      assert.match(a.stdout, /^Shift brief at /);
      // Handle every problem (ack hosts and services, as an operator would), then the brief is clean.
      const h = { sim, config: d.config };
      const t = await truth(h);
      for (const p of t.newest) {
        const path =
          p.service === undefined
            ? `/hosts/${encodeURIComponent(p.host)}/cmd/acknowledge_host_problem`
            : `/services/${encodeURIComponent(p.host)}/${encodeURIComponent(p.service)}/cmd/acknowledge_svc_problem`;
        await post(h, path, { comment_data: 'handled', comment_author: 'oncall', sticky_ack: 1 });
      }
      const b = io();
      assert.equal(await briefCommand(d, {}, true, b), 0, b.stdout);
      assert.equal(JSON.parse(b.stdout).unhandled.total, 0);
      const c = io();
      assert.equal(await briefCommand(d, { nope: 1 }, false, c), 2);
      assert.match(c.stderr, /unknown argument nope \(valid: limit, hours_ahead, backends\)/);
      assert.equal(await briefCommand(d, { limit: 'x' }, false, io()), 2);
    } finally {
      await runtime.close();
    }
  });

  it('call runs a tool one enable away (the operator needs no enable step); THRUK_DYNAMIC_TOOLSETS=false refuses it', () => {
    const env = { PATH: process.env.PATH ?? '' };
    const r = spawnSync(process.execPath, [cli, 'call', 'thruk_host_availability', 'host=web-01', '--demo'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /web-01/);
    const fixed = spawnSync(process.execPath, [cli, 'call', 'thruk_host_availability', 'host=web-01', '--demo'], {
      cwd: root,
      env: { ...env, THRUK_DYNAMIC_TOOLSETS: 'false' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(fixed.status, 2);
    assert.match(fixed.stderr, /not available with this configuration \(toolset\)/);
  });

  it('the binary: exit 1 on the demo, 2 on a configuration error', () => {
    const env = { PATH: process.env.PATH ?? '' };
    const ok = spawnSync(process.execPath, [cli, 'brief', '--demo', 'limit=3'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(ok.status, 1, ok.stderr);
    assert.match(ok.stdout, /showing 3 of \d+ problems/);
    const bad = spawnSync(process.execPath, [cli, 'brief'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /THRUK_BASE_URL: not set/);
  });
});

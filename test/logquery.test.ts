import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoConfig } from './helpers/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import type { ToolContext } from '../src/tools/core/define.js';
import { toolContext } from './helpers/context.js';
import {
  aggregateLogs,
  countLogs,
  expandHostScope,
  fetchNewestLogs,
  prepareLogQuery,
  windowFromFilter,
} from '../src/tools/lib/logquery.js';

function context(hosts?: number): { ctx: ToolContext; sim: ReturnType<typeof createSimulator> } {
  const config = demoConfig();
  const sim = createSimulator({ apiKey: config.thruk.apiKey, ...(hosts ? { hosts } : {}) });
  const { thruk } = createRuntime(
    config,
    createLogger('silent'),
    fetchHandlerSend((r) => sim.fetch(r)),
  );
  return { sim, ctx: toolContext(thruk, config) };
}

async function rest(sim: ReturnType<typeof createSimulator>, params: Record<string, string>): Promise<unknown> {
  const url = new URL('http://sim.invalid/thruk/r/logs');
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return (await sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': 'demo' } }))).json();
}

describe('log queries', () => {
  const now = Math.floor(Date.now() / 1000);

  it('counts on the Thruk side and fetches exactly the newest N when the window holds more', async () => {
    const { ctx, sim } = context();
    const p = await prepareLogQuery(ctx, { since: now - 7 * 86400, until: now, extra: [{ field: 'class', value: 1 }] });
    const total = await countLogs(ctx, p, now - 7 * 86400, now);
    const truth = (await rest(sim, {
      'time[gte]': String(now - 7 * 86400),
      'time[lte]': String(now),
      class: '1',
      columns: 'time',
      sort: '-time',
    })) as Array<{ time: number }>;
    assert.equal(total, truth.length);
    assert.ok(total > 20, `the demo history has alerts (${total})`);
    const cut = await fetchNewestLogs(ctx, p, { since: now - 7 * 86400, until: now, columns: ['time', 'host_name'], maxRows: 10 });
    assert.equal(cut.total, total);
    assert.equal(cut.truncated, true);
    assert.ok(cut.rows.length <= 10 && cut.rows.length >= 1);
    const newest = truth.slice(0, cut.rows.length).map((r) => r.time);
    assert.deepEqual(
      cut.rows.map((r) => r.time),
      newest,
      'exactly the newest rows, newest first',
    );
    assert.ok(cut.fetchedSince > now - 7 * 86400);
    const all = await fetchNewestLogs(ctx, p, { since: now - 7 * 86400, until: now, columns: ['time'], maxRows: 100_000 });
    assert.equal(all.truncated, false);
    assert.equal(all.rows.length, total);
  });

  it('expands hostgroup and custom variables into host names, AND and OR', async () => {
    const { ctx } = context();
    const scope = await expandHostScope(ctx, { field: 'hostgroup', value: 'network-devices' }, undefined);
    assert.equal(scope.empty, false);
    assert.ok(scope.node && !('conditions' in scope.node) && scope.node.field === 'host' && scope.node.op === 'in');
    const none = await expandHostScope(ctx, { field: 'hostgroup', value: 'no-such-group' }, undefined);
    assert.equal(none.empty, true);
    assert.match(none.notes[0] ?? '', /matches no host/);
    const or = await expandHostScope(
      ctx,
      {
        operator: 'or',
        conditions: [
          { field: 'hostgroup', value: 'no-such-group' },
          { field: 'host', value: 'web-01' },
        ],
      },
      undefined,
    );
    assert.equal(or.empty, false);
    const neg = await expandHostScope(ctx, { field: 'custom_var', op: 'neq', value: { var: 'OS', val: 'linux' } }, undefined);
    assert.ok(neg.node && !('conditions' in neg.node) && neg.node.op === 'not_in');
  });

  it('sends a large AND-level host set as one regex (by POST when long) and pages the lookup', async () => {
    const { ctx, sim } = context(12_000);
    const scope = await expandHostScope(ctx, { field: 'custom_var', value: { var: 'OS', val: 'linux' } }, undefined);
    assert.equal(scope.node, undefined);
    assert.equal(scope.raw[0]?.[0], 'host_name[regex]');
    const pages = sim.requests.filter((r) => r.path === '/hosts' && r.params.some(([k]) => k === 'offset'));
    assert.ok(pages.length >= 2, 'the host lookup is paged');
    const p = await prepareLogQuery(ctx, {
      since: now - 86400,
      until: now,
      filter: { field: 'custom_var', value: { var: 'OS', val: 'linux' } },
    });
    await countLogs(ctx, p, now - 86400, now);
    const last = sim.requests.at(-1)!;
    assert.equal(last.method, 'POST', 'a long read query goes as POST');
  });

  it('aggregates on the Thruk side', async () => {
    const { ctx } = context();
    const p = await prepareLogQuery(ctx, { since: now - 7 * 86400, until: now, extra: [{ field: 'class', value: 1 }] });
    const groups = await aggregateLogs(ctx, p, { since: now - 7 * 86400, until: now, groupBy: ['host_name'] });
    const total = await countLogs(ctx, p, now - 7 * 86400, now);
    assert.equal(
      groups.reduce((a, g) => a + (g.count as number), 0),
      total,
    );
    assert.ok(groups.every((g) => typeof g.first === 'number' && typeof g.last === 'number'));
  });

  it('lets since/until inside the filter override the arguments, converted the same way', () => {
    const w = windowFromFilter(
      {
        operator: 'and',
        conditions: [
          { field: 'since', value: '-2h' },
          { field: 'host', value: 'x' },
        ],
      },
      '-24h',
      undefined,
      now * 1000,
    );
    assert.equal(w.since, now - 7200);
    assert.deepEqual(w.rest, { operator: 'and', conditions: [{ field: 'host', value: 'x' }] });
    assert.throws(() => windowFromFilter(undefined, '-1h', '-2h', now * 1000), /until is before since/);
  });
});

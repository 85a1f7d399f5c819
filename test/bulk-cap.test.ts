/**
 * Bulk writes over the cap (issue 12): the refusal counts what matched and what the cap allows,
 * says how to go on and that nothing was sent, and its advice works. Numbers come from the
 * simulator's raw rows, classified here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, rest, type Harness } from './helpers/harness.js';

type Obj = {
  host_name?: string;
  name?: string;
  state: number;
  has_been_checked: unknown;
  acknowledged: unknown;
  scheduled_downtime_depth: number;
  host_scheduled_downtime_depth?: number;
};
const yes = (v: unknown) => v === 1 || v === true;
const HOST_STATE = ['up', 'down', 'unreachable'];
const SVC_STATE = ['ok', 'warning', 'critical', 'unknown'];

/** The unhandled problems of the whole estate, from the raw rows: what a bulk acknowledge targets. */
async function rawTargets(h: Harness): Promise<Array<{ host: string; kind: 'host' | 'service'; state: string }>> {
  const cols = 'state,has_been_checked,acknowledged,scheduled_downtime_depth';
  const hosts = (await rest(h, '/hosts', { columns: `name,${cols}` })) as Obj[];
  const svcs = (await rest(h, '/services', { columns: `host_name,${cols},host_scheduled_downtime_depth` })) as Obj[];
  const open = (o: Obj, svc: boolean) =>
    yes(o.has_been_checked) &&
    o.state !== 0 &&
    !yes(o.acknowledged) &&
    o.scheduled_downtime_depth === 0 &&
    (!svc || (o.host_scheduled_downtime_depth ?? 0) === 0);
  return [
    ...hosts.filter((o) => open(o, false)).map((o) => ({ host: String(o.name), kind: 'host' as const, state: HOST_STATE[o.state] ?? '?' })),
    ...svcs
      .filter((o) => open(o, true))
      .map((o) => ({ host: String(o.host_name), kind: 'service' as const, state: SVC_STATE[o.state] ?? '?' })),
  ];
}

const cmds = (h: Harness) => h.sim.requests.filter((r) => r.path.endsWith('/cmd') || r.path.includes('/cmd/'));

describe('bulk acknowledge over the cap', () => {
  it('counts what matched and what the cap allows, says nothing was sent, and its advice works part by part', async () => {
    const max = 5;
    const h = await connect({ config: { maxBulkTargets: max } });
    const targets = await rawTargets(h);
    const all =
      ((await rest(h, '/hosts', { columns: 'name' })) as unknown[]).length +
      ((await rest(h, '/services', { columns: 'description' })) as unknown[]).length;
    assert.ok(targets.length > max, `the demo has ${targets.length} unhandled problems`);

    const r = await h.call('thruk_bulk_acknowledge', { comment: 'too many' });
    assert.equal(r.isError, true);
    assert.match(r.text, new RegExp(`touch ${targets.length} objects, more than the limit of ${max} \\(THRUK_MAX_BULK_TARGETS\\)`));
    assert.match(r.text, new RegExp(`matches ${all} objects: ${targets.length} unhandled problems to acknowledge`));
    assert.match(r.text, new RegExp(`One call may acknowledge at most ${max}\\.`));
    assert.match(r.text, /raise THRUK_MAX_BULK_TARGETS \(now 5\)/);
    assert.match(r.text, /Nothing was sent\.$/);
    assert.equal(cmds(h).length, 0);

    // Each counted narrower call is right, per state and per kind.
    const byState = new Map<string, number>();
    for (const t of targets) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
    for (const [st, n] of byState)
      assert.match(r.text, new RegExp(`state="${st}" would target ${n}${n <= max ? ' \\(within the limit\\)' : ''}`));
    const hosts = targets.filter((t) => t.kind === 'host').length;
    assert.match(r.text, new RegExp(`hosts_only would target ${hosts}[ ;.(]`));
    assert.match(r.text, new RegExp(`services_only would target ${targets.length - hosts}[ ;.(]`));

    // Follow a suggestion that fits: it targets what it said, and once done the same call finds the rest.
    const fit = [...r.text.matchAll(/host="([^"]+)" with match="exact" would target (\d+) \(within the limit\)/g)][0];
    assert.ok(fit !== undefined, r.text);
    const [, host, n] = fit;
    const part = await h.call('thruk_bulk_acknowledge', { host, match: 'exact', comment: 'part 1', dry_run: true });
    assert.equal(part.structured.targets, Number(n), part.text);
    const done = await h.call('thruk_bulk_acknowledge', { host, match: 'exact', comment: 'part 1', plan_id: part.structured.plan_id });
    assert.equal(done.structured.status, 'done', done.text);
    const left = await rawTargets(h);
    assert.equal(left.length, targets.length - Number(n));
    const again = await h.call('thruk_bulk_acknowledge', { comment: 'too many' });
    assert.match(again.text, new RegExp(`touch ${left.length} objects`));
    await h.close();
  });
});

describe('other bulk writes over the cap say how many and that nothing was sent', () => {
  it('a propagated downtime whose walk stopped at the cap says "at least", and the raw tree is larger', async () => {
    const h = await connect({ config: { maxBulkTargets: 3 } });
    const rows = (await rest(h, '/hosts', { columns: 'name,childs' })) as Array<{ name: string; childs: string[] }>;
    const kids = new Map(rows.map((r) => [r.name, r.childs]));
    const tree = new Set<string>();
    const walk = (n: string) => {
      for (const c of kids.get(n) ?? [])
        if (!tree.has(c)) {
          tree.add(c);
          walk(c);
        }
    };
    walk('core-switch-01');
    assert.ok(tree.size + 1 > 4, `core-switch-01 covers ${tree.size + 1} hosts`);
    const r = await h.call('thruk_schedule_propagated_host_downtime', { host: 'core-switch-01', dry_run: true });
    assert.equal(r.isError, true);
    assert.match(r.text, /touch at least 4 hosts, more than the limit of 3 \(THRUK_MAX_BULK_TARGETS\)/);
    assert.match(r.text, /raise THRUK_MAX_BULK_TARGETS/);
    assert.match(r.text, /Nothing was sent\.$/);
    assert.equal(cmds(h).length, 0);
    await h.close();
  });

  it('a group downtime counts every member the group command reaches', async () => {
    const h = await connect({ config: { maxBulkTargets: 3 } });
    const members = (await rest(h, '/hosts', { columns: 'name', 'groups[gte]': 'linux-servers' })) as unknown[];
    const r = await h.call('thruk_schedule_hostgroup_downtime', { hostgroup: 'linux-servers', dry_run: true });
    assert.match(
      r.text,
      new RegExp(`touch ${members.length} hosts, more than the limit of 3 \\(THRUK_MAX_BULK_TARGETS\\)\\. Use a smaller group`),
    );
    assert.match(r.text, /Nothing was sent\.$/);
    await h.close();
  });
});

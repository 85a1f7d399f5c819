/**
 * One write gate (issue 16): every tool with access write|destructive is a defineWriteTool record,
 * and no write reaches Thruk around the gate. Checked over the whole registry: a dry run of each
 * sends no POST at all, and a confirmed run of each (against the simulator) writes the audit
 * intent record before its first POST and the final record after its last.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { defineTool } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';
import { defineWriteTool, isGatedWriteTool } from '../src/tools/write/define-write.js';
import { writeOutput } from '../src/tools/write/execute.js';
import { connect, rest, type Harness } from './helpers/harness.js';

type State = { commentId?: number | undefined };
/** Arguments of a real call of each write tool on the demo estate, in an order where each finds what it needs. */
const CALLS: ReadonlyArray<[string, (s: State) => Record<string, unknown>]> = [
  ['thruk_recheck', () => ({ host: 'web-01' })],
  ['thruk_checks', () => ({ host: 'web-01', enabled: false })],
  ['thruk_notifications', () => ({ host: 'web-02', enabled: false })],
  ['thruk_submit_passive_result', () => ({ host: 'web-03', state: 'up', output: 'gate test' })],
  ['thruk_acknowledge', () => ({ host: 'branch-router-01', service: 'ping', comment: 'gate ack' })],
  ['thruk_remove_acknowledgement', () => ({ host: 'branch-router-01', service: 'ping' })],
  ['thruk_bulk_acknowledge', () => ({ host: 'win-app-01', match: 'exact', comment: 'gate bulk' })],
  ['thruk_add_comment', () => ({ host: 'web-04', comment: 'gate comment' })],
  ['thruk_delete_comment', (s) => ({ comment_id: s.commentId })],
  ['thruk_schedule_downtime', () => ({ host: 'app-02', comment: 'gate dt' })],
  ['thruk_schedule_host_services_downtime', () => ({ host: 'app-01', comment: 'gate svc dt' })],
  ['thruk_schedule_propagated_host_downtime', () => ({ host: 'branch-router-01', comment: 'gate prop' })],
  ['thruk_schedule_hostgroup_downtime', () => ({ hostgroup: 'database-servers', comment: 'gate hg' })],
  ['thruk_schedule_servicegroup_downtime', () => ({ servicegroup: 'database-services', comment: 'gate sg' })],
  ['thruk_delete_downtime', () => ({ downtime_id: 1 })],
  ['thruk_delete_active_downtimes', () => ({ host: 'app-02' })],
  ['thruk_delete_downtimes_by_filter', () => ({ comment: 'gate hg' })],
  [
    'thruk_query',
    () => ({ path: '/hosts/web-01/cmd/add_host_comment', method: 'POST', data: { comment_data: 'raw gate' }, backends: 'icinga2' }),
  ],
];

const writeTools = () => allTools().filter((t) => t.access !== 'read');

describe('one write gate: the registry', () => {
  it('every write|destructive tool is built by defineWriteTool, and a hand-made write tool is not', () => {
    const writes = writeTools();
    assert.ok(writes.length >= 18, `write tools: ${writes.length}`);
    const outside = writes.filter((t) => !isGatedWriteTool(t)).map((t) => t.name);
    assert.deepEqual(outside, [], 'write tools built around the gate');
    const handMade = defineTool({
      name: 'x',
      title: 'x',
      toolset: 'actions',
      access: 'write',
      description: 'x',
      input: z.object({}),
      output: writeOutput,
      run: () => Promise.reject(new Error('never')),
    });
    assert.equal(isGatedWriteTool(handMade), false);
    const gated = defineWriteTool({
      name: 'y',
      title: 'y',
      access: 'write',
      description: 'y',
      args: {},
      plan: () => Promise.resolve({ action: 'y', commands: [], destructive: false }),
    });
    assert.equal(isGatedWriteTool(gated), true);
    assert.equal(
      allTools()
        .filter((t) => t.access === 'read')
        .some(isGatedWriteTool),
      false,
      'a read tool is never a gated write',
    );
  });

  it('this test calls every write tool of the registry', () => {
    assert.deepEqual(
      CALLS.map(([n]) => n).sort(),
      writeTools()
        .map((t) => t.name)
        .sort(),
    );
  });

  it('only the gate sends to Thruk: POSTs appear in its two senders and nowhere else in src/', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk('src');
    // The simulator answers POSTs; it never sends them. The client defines post().
    const posting = files.filter(
      (f) => !f.startsWith(join('src', 'sim')) && !f.startsWith(join('src', 'thruk')) && /\.post\s*[<(]/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(posting.sort(), [join('src', 'tools', 'escape', 'raw.ts'), join('src', 'tools', 'write', 'execute.ts')]);
  });
});

describe('one write gate: every write tool on the wire', () => {
  let h: Harness;
  const state: State = {};
  before(async () => {
    h = await connect();
    const sim = h.sim as { fetch: (r: Request) => Promise<Response> };
    const fetch = sim.fetch;
    // Every request that is not a read is marked in the same sequence as the audit lines.
    sim.fetch = (req: Request) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') h.logs.push(JSON.stringify({ wire: req.method, url: new URL(req.url).pathname }));
      return fetch(req);
    };
  });
  after(async () => {
    await h.close();
  });

  const lines = (from: number) => h.logs.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);

  for (const [name, args] of CALLS) {
    it(`${name}: a dry run sends nothing; the confirmed plan writes its intent before the first POST`, async () => {
      if (name === 'thruk_delete_comment') {
        const rows = (await rest(h, '/comments', { columns: 'id,comment' })) as Array<{ id: number; comment: string }>;
        state.commentId = rows.find((r) => r.comment === 'gate comment')?.id;
        assert.ok(state.commentId !== undefined, 'the comment added before');
      }
      const a = args(state);
      const start = h.logs.length;
      const dry = await h.call(name, { ...a, dry_run: true });
      const preview = dry.structured as { status?: string; plan_id?: string };
      assert.equal(preview.status, 'preview', dry.text);
      assert.deepEqual(
        lines(start).filter((l) => l.wire !== undefined),
        [],
        'a dry run sends nothing',
      );
      assert.equal(
        lines(start).some((l) => l.phase === 'intent'),
        false,
        'no intent record for a preview',
      );

      const mark = h.logs.length;
      const run = await h.call(name, { ...a, plan_id: preview.plan_id });
      assert.equal((run.structured as { status?: string }).status, 'done', run.text);
      const seq = lines(mark);
      const posts = seq.flatMap((l, i) => (l.wire !== undefined ? [i] : []));
      const intent = seq.findIndex((l) => l.audit === true && l.tool === name && l.phase === 'intent');
      const final = seq.findIndex((l) => l.audit === true && l.tool === name && l.phase !== 'intent');
      assert.ok(posts.length > 0, 'the confirmed plan was sent');
      assert.ok(intent >= 0 && intent < (posts[0] ?? -1), `intent record ${intent} before the first POST ${posts[0]}`);
      assert.ok(final > (posts.at(-1) ?? Infinity), `final record ${final} after the last POST ${posts.at(-1)}`);
      assert.equal(seq[intent]?.plan_id, preview.plan_id, 'the intent names the previewed plan');
      assert.equal(seq[final]?.outcome, 'done');
    });
  }
});

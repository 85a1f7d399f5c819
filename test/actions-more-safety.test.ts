/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { bulkAcknowledge } from '../src/tools/actions/bulk.js';
import { checksSwitch, notificationsSwitch } from '../src/tools/actions/checks-switch.js';
import { recheck } from '../src/tools/actions/checks.js';
import { addComment, deleteComment } from '../src/tools/actions/comments.js';
import { submitPassiveResult } from '../src/tools/actions/passive.js';
import { runBackgroundQuery } from '../src/tools/escape/background.js';
import { thrukQuery } from '../src/tools/escape/query.js';
import { allTools } from '../src/tools/core/registry.js';
import { connect, ERAS, type Harness, confirmCall } from './helpers/loose.js';

// The records the registry (src/tools/core/registry.ts) lists for this family.
const moreActionTools = [bulkAcknowledge, recheck, checksSwitch, notificationsSwitch, addComment, deleteComment, submitPassiveResult];
const escapeTools = [thrukQuery, runBackgroundQuery];

const tools = [...allTools(), ...moreActionTools, ...escapeTools];
const writes = tools.filter((t) => t.access !== 'read');
const cmdRequests = (h: Harness) => h.sim.requests.filter((r) => /(^|\/)cmd(\/|$)/.test(r.path));
const audits = (h: Harness) => h.logs.map((l) => JSON.parse(l)).filter((l) => l.audit === true && l.phase !== 'intent');

/** Valid arguments per write tool of this change; a new write tool without an entry fails the test. */
const SAMPLES: Readonly<Record<string, Record<string, unknown>>> = {
  thruk_bulk_acknowledge: { hostgroup: 'windows-servers' },
  thruk_recheck: { host: 'web-01' },
  thruk_checks: { host: 'web-01', enabled: false },
  thruk_notifications: { host: 'web-01', enabled: false },
  thruk_add_comment: { host: 'web-01', comment: 'note' },
  thruk_delete_comment: { comment_id: 1 },
  thruk_submit_passive_result: { host: 'mon-01', service: 'backup-job', state: 'ok', output: 'OK' },
  thruk_query: { path: '/hosts/web-01/cmd/disable_host_check', method: 'POST' },
};

for (const era of ERAS) {
  describe(`write safety of the remaining actions and escape hatches (${era} era)`, () => {
    it('read-only hides every write tool (derived from the registry) except thruk_query, which stays as a read', async () => {
      assert.ok(writes.length >= moreActionTools.length + 1);
      const h = await connect({ era, tools, config: { readOnly: true } });
      const { tools: listed } = await h.client.listTools();
      for (const w of writes) {
        const entry = listed.find((t) => t.name === w.name);
        if (w.readOnlyFallback === true) {
          assert.equal(entry?.annotations?.readOnlyHint, true, `${w.name} stays, as a read`);
          assert.equal(entry?.annotations?.destructiveHint, undefined, 'a read states no destructiveHint (meaningless per spec)');
          continue;
        }
        assert.equal(entry, undefined, `${w.name} hidden`);
        const r = await h.call(w.name, SAMPLES[w.name] ?? {});
        assert.equal(r.isError, true);
        assert.match(r.text, /read-only/, w.name);
      }
      const post = await confirmCall(h, 'thruk_query', { path: '/hosts/web-01/cmd/disable_host_check', method: 'POST' });
      assert.equal(post.isError, true);
      assert.match(post.text, /read-only.*only sends GET/);
      const get = await h.call('thruk_query', { path: '/hosts', params: { columns: 'name', name: 'web-01' } });
      assert.equal(get.structured.status, 'ok', get.text);
      assert.equal(cmdRequests(h).length, 0);
      assert.equal(audits(h).length, 0, 'reads are not audited');
      assert.ok(
        listed.some((t) => t.name === 'thruk_run_background_query'),
        'the long read stays',
      );
      await h.close();
    });

    it('THRUK_ENABLED_TOOLS hides and refuses every write tool not on it (derived from the registry)', async () => {
      const h = await connect({ era, tools, config: { enabledTools: ['thruk_list_*'] } });
      const { tools: listed } = await h.client.listTools();
      for (const w of writes) {
        assert.ok(!listed.some((t) => t.name === w.name), `${w.name} hidden`);
        const r = await h.call(w.name, SAMPLES[w.name] ?? {});
        assert.match(r.text, /not in THRUK_ENABLED_TOOLS/, w.name);
      }
      assert.equal(h.sim.requests.length, 0);
      await h.close();
    });

    it('annotations follow access, and every write tool previews with dry_run without sending anything', async () => {
      const h = await connect({ era, tools });
      const { tools: listed } = await h.client.listTools();
      const mine = [...moreActionTools, ...escapeTools].filter((t) => t.access !== 'read');
      for (const w of mine) {
        const a = listed.find((t) => t.name === w.name)?.annotations;
        assert.equal(a?.readOnlyHint, false, w.name);
        assert.equal(a?.destructiveHint, w.access === 'destructive', w.name);
        const sample = SAMPLES[w.name];
        assert.ok(sample !== undefined, `a dry-run sample for ${w.name}`);
        const r = await h.call(w.name, { ...sample, dry_run: true });
        assert.equal(r.structured?.status, 'preview', `${w.name}: ${r.text}`);
        assert.match(r.text, /nothing was sent/, w.name);
      }
      assert.equal(cmdRequests(h).length, 0, 'no request reached a /cmd path');
      assert.ok(
        h.sim.requests.every((r) => r.method === 'GET'),
        'dry runs only read',
      );
      const outcomes = audits(h).map((x) => x.outcome);
      assert.equal(outcomes.length, mine.length);
      assert.ok(outcomes.every((o) => o === 'preview'));
      await h.close();
    });
  });
}

describe('confirmation of a destructive switch through the client', () => {
  it('2026 input_required: accepted → done; declined → nothing sent', async () => {
    const asked: string[] = [];
    const yes = await connect({
      era: 'modern',
      tools,
      elicit: (p) => (asked.push(p.message), { action: 'accept', content: { confirm: true } }),
    });
    const r = await yes.call('thruk_notifications', { host: 'web-01', enabled: false });
    assert.equal(r.structured.status, 'done', r.text);
    assert.match(asked[0] ?? '', /DISABLE_HOST_NOTIFICATIONS;web-01/);
    assert.equal(yes.sim.state.host('web-01')?.notificationsEnabled, false);
    await yes.close();
    const no = await connect({ era: 'modern', tools, elicit: () => ({ action: 'decline' }) });
    const d = await no.call('thruk_delete_comment', { comment_id: 1 });
    assert.equal(d.structured.status, 'declined');
    assert.equal(cmdRequests(no).length, 0);
    await no.close();
  });

  it('hostile names and text never reach Thruk', async () => {
    const h = await connect({ era: 'modern', tools, simulator: createSimulator() });
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['thruk_add_comment', { host: 'web-01', comment: 'a;b' }, /must not contain ';'/],
      ['thruk_add_comment', { host: 'web-01', comment: 'a\nADD_HOST_COMMENT;x' }, /single line|line breaks/],
      ['thruk_add_comment', { host: 'web-01', comment: 'x', author: 'eve\r' }, /single line/],
      ['thruk_recheck', { host: 'web;01' }, /contains ';'/],
      ['thruk_checks', { host: 'web-01', service: 'nope', enabled: true }, /No service on host 'web-01' named 'nope'/],
      ['thruk_notifications', { host: 'web-01', service: 'http', cascade: true, enabled: true }, /leave service out/],
      ['thruk_delete_comment', { comment_id: 1, service: 'x' }, /service needs host/],
    ];
    for (const [tool, args, re] of cases) {
      const r = await h.call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
      assert.match(r.text, re, `${tool} ${JSON.stringify(args)}`);
    }
    assert.equal(cmdRequests(h).length, 0);
    await h.close();
  });
});

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createSimulator } from '../src/sim/index.js';
import { defineTool, type ToolDef } from '../src/tools/core/define.js';
import { allTools, listedTools } from '../src/tools/core/registry.js';
import { connect, ERAS } from './helpers/harness.js';

/** A write tool that exists only in tests, to exercise the machinery every real write tool gets. */
const fakeWrite = defineTool({
  name: 'thruk_test_write',
  title: 'Test write',
  toolset: 'state',
  access: 'write',
  description: 'Test-only write tool that records a comment; exists to exercise gating and audit.',
  input: z.object({ host: z.string(), api_key: z.string().optional() }).strict(),
  output: z.object({ ok: z.boolean() }),
  run: (_ctx, args) => (args.host === 'fail' ? Promise.reject(new Error('boom')) : Promise.resolve({ data: { ok: true }, text: 'done' })),
}) as unknown as ToolDef;

const withWrite = [...allTools(), fakeWrite];

for (const era of ERAS) {
  describe(`safety (${era} era)`, () => {
    it('read-only removes every non-read tool from tools/list and refuses it by name', async () => {
      const h = await connect({ era, tools: withWrite, config: { readOnly: true } });
      const { tools } = await h.client.listTools();
      const writes = withWrite.filter((t) => t.access !== 'read' && t.readOnlyFallback !== true);
      assert.ok(writes.length > 0);
      for (const w of writes) {
        assert.ok(!tools.some((t) => t.name === w.name), `${w.name} hidden`);
        const r = await h.call(w.name, { host: 'web-01' });
        assert.equal(r.isError, true);
        assert.match(r.text, /read-only/);
      }
      // Every toolset on: nothing to enable (no discovery tool), and hidden aliases are callable but not listed.
      assert.equal(
        tools.length,
        listedTools(allTools().filter((t) => (t.access === 'read' || t.readOnlyFallback === true) && t.name !== 'thruk_enable_toolset'))
          .length,
      );
      await h.close();
    });

    it('writes one redacted audit line per write call, ok or not, and none for reads', async () => {
      const h = await connect({ era, tools: withWrite });
      await h.call('thruk_test_write', { host: 'web-01', api_key: 'SUPERSECRET' });
      await h.call('thruk_test_write', { host: 'fail' });
      await h.call('thruk_test_write', { nope: 1 });
      await h.call('thruk_list_hosts', { limit: 1 });
      const audit = h.logs.map((l) => JSON.parse(l)).filter((l) => l.audit === true && l.phase !== 'intent');
      assert.equal(audit.length, 3);
      assert.deepEqual(
        audit.map((a) => a.outcome),
        ['ok', 'error', 'error'],
      );
      assert.equal(audit[0].tool, 'thruk_test_write');
      assert.equal(audit[0].args.api_key, '***');
      assert.ok(!h.logs.join('\n').includes('SUPERSECRET'));
      await h.close();
      const off = await connect({ era, tools: withWrite, config: { auditLog: false } });
      await off.call('thruk_test_write', { host: 'web-01' });
      assert.equal(off.logs.filter((l) => l.includes('"audit":true')).length, 0);
      await off.close();
    });

    it('a wrong Thruk key is an isError naming THRUK_API_KEY, never the key', async () => {
      const sim = createSimulator({ apiKey: 'theRealKey' });
      const h = await connect({ era, simulator: sim });
      const r = await h.call('thruk_totals');
      assert.equal(r.isError, true);
      assert.match(r.text, /403/);
      assert.match(r.text, /THRUK_API_KEY/);
      assert.ok(!r.text.includes(h.config.thruk.apiKey === 'demo' ? 'X-Thruk-Auth-Key: demo' : h.config.thruk.apiKey));
      await h.close();
    });

    it('Thruk failures become isError with the cause and a next step; reads are retried', async () => {
      const h = await connect({ era });
      const stop = h.sim.injectFault({ match: '/hosts/totals', status: 500 });
      const r = await h.call('thruk_totals');
      assert.equal(r.isError, true);
      assert.match(r.text, /500/);
      assert.match(r.text, /retry in a moment|narrow/);
      stop();
      h.sim.injectFault({ match: '/hosts', times: 1, reset: true });
      const ok = await h.call('thruk_list_hosts', { limit: 1 });
      assert.equal(ok.isError, undefined, ok.text);
      h.sim.clearFaults();
      h.sim.injectFault({ match: '/hosts', malformedJson: true });
      const bad = await h.call('thruk_list_hosts', { limit: 1 });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /malformed JSON/);
      h.sim.clearFaults();
      await h.close();
    });

    it('cuts a list at the answer budget and says how to get the rest', async () => {
      const h = await connect({ era, config: { maxAnswerTokens: 500 }, sim: { hosts: 200 } });
      const r = await h.call('thruk_list_services', { limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.truncated, true);
      assert.ok(r.structured.returned < 1000 && r.structured.returned > 0);
      assert.equal(r.structured.next_offset, r.structured.returned);
      assert.match(r.text, /more not shown \(cut to fit the answer budget/);
      assert.match(r.text, new RegExp(`Next page: offset=${r.structured.returned}`));
      await h.close();
    });
  });
}

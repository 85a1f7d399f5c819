/**
 * The protocol side of every tool in both eras. Domain suites run on the current era only (a
 * tool's answer does not depend on it); what the era loop in each of them also showed — that a
 * 2025 session client and a 2026-07-28 client are offered the same tools with their output
 * schemas, get the same structured answers (validated by the SDK client against those schemas)
 * and go through the same write confirmation — is shown here once for all toolsets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { allTools, ENABLE_TOOL, HIDDEN_ALIASES } from '../src/tools/core/registry.js';
import { confirmCall, connect, ERAS, rest, type Era } from './helpers/harness.js';

/** One read per toolset whose answer is a pure function of the simulator's state (windows fixed, not relative to now). */
const T0 = Math.floor(Date.now() / 1000);
const WEEK = { since: T0 - 7 * 86400, until: T0 };
const READS: readonly (readonly [string, Record<string, unknown>])[] = [
  ['thruk_list_hosts', { limit: 5 }],
  ['thruk_list_services', { limit: 5 }],
  ['thruk_list_downtimes', {}],
  ['thruk_hygiene', {}],
  ['thruk_list_logs', { ...WEEK, limit: 5 }],
  ['thruk_unacked_critical', {}],
  ['thruk_top_noisy_hosts', WEEK],
  ['thruk_perfdata_snapshot', { limit: 5 }],
  ['thruk_describe', { what: 'hosts' }],
  ['thruk_host_availability', { host: 'web-01', since: String(WEEK.since), until: String(WEEK.until) }],
];

/** Masks clock-derived parts: ISO times to the second and ages counted in seconds. */
const clockless = (s: string): string => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>').replace(/\b\d+s\b/g, '<s>');

describe('every tool in both protocol eras', () => {
  it('tools/list offers every registered tool with its output schema and annotations, identically in both eras', async () => {
    const lists = new Map<Era, unknown>();
    for (const era of ERAS) {
      const h = await connect({ era });
      try {
        const { tools } = await h.client.listTools();
        // All toolsets are on (demoConfig), so neither the discovery tool nor hidden aliases are listed.
        const expected = allTools()
          .map((t) => t.name)
          .filter((n) => n !== ENABLE_TOOL && !HIDDEN_ALIASES.has(n));
        assert.deepEqual(tools.map((t) => t.name).sort(), expected.sort(), `${era}: every tool is listed`);
        for (const t of tools) {
          assert.ok(t.outputSchema, `${era}: ${t.name} has an output schema`);
          assert.ok(t.annotations, `${era}: ${t.name} has annotations`);
        }
        // The MCP Apps link (_meta.ui) follows what the server knows of the client's capabilities,
        // which differs by era by design (test/views.test.ts covers it); everything else is equal.
        lists.set(
          era,
          tools.map(({ _meta, ...t }) => {
            const { ui: _ui, ...meta } = _meta ?? {};
            return Object.keys(meta).length > 0 ? { ...t, _meta: meta } : t;
          }),
        );
      } finally {
        await h.close();
      }
    }
    assert.deepEqual(lists.get('legacy'), lists.get('modern'), 'both eras see the same list');
  });

  it('one read per toolset gives the same structured answer in both eras', async () => {
    const sim = createSimulator();
    const modern = await connect({ era: 'modern', simulator: sim });
    const legacy = await connect({ era: 'legacy', simulator: sim });
    try {
      const toolsets = new Set<string>();
      for (const [name, args] of READS) {
        const a = await modern.call(name, args);
        const b = await legacy.call(name, args);
        assert.equal(a.isError, undefined, `${name} (modern): ${a.text}`);
        assert.equal(b.isError, undefined, `${name} (legacy): ${b.text}`);
        assert.ok(a.structured !== undefined, `${name} answers structuredContent`);
        // The two calls run a moment apart: times derived from "now" (a cutoff, an age in seconds)
        // may fall on either side of a second; everything else must be identical.
        assert.equal(clockless(JSON.stringify(b.structured)), clockless(JSON.stringify(a.structured)), `${name}: same structured answer`);
        assert.equal(clockless(b.text), clockless(a.text), `${name}: same text`);
        toolsets.add(allTools().find((t) => t.name === name)?.toolset ?? '?');
      }
      // Guard for this list itself: it must keep touching every read-only toolset.
      const readToolsets = new Set(
        allTools()
          .filter((t) => t.access === 'read' && t.toolset !== 'escape')
          .map((t) => t.toolset),
      );
      for (const t of readToolsets) assert.ok(toolsets.has(t), `a read of the ${t} toolset is compared`);
    } finally {
      await modern.close();
      await legacy.close();
    }
  });

  for (const era of ERAS) {
    it(`a write to several objects previews, then runs on its plan_id (${era} era)`, async () => {
      const h = await connect({ era, simulator: createSimulator({ sites: ['north', 'south'] }) });
      const sent = () => h.sim.requests.filter((r) => /(^|\/)cmd(\/|$)/.test(r.path));
      try {
        const rows = (await rest(h, '/hosts', { columns: 'name', 'state[ne]': '0', acknowledged: '0' })) as { name: string }[];
        const host = rows[0]?.name;
        assert.ok(host !== undefined, 'the demo estate has an unacknowledged problem host');
        const args = { host, comment: `era ${era}` };
        const first = await h.call('thruk_acknowledge', args);
        assert.equal((first.structured as { status?: string } | undefined)?.status, 'confirmation_required', first.text);
        assert.equal(sent().length, 0, 'the preview sends nothing');
        const done = await confirmCall(h, 'thruk_acknowledge', args);
        assert.equal((done.structured as { status?: string } | undefined)?.status, 'done', done.text);
        assert.equal(sent().length, 2, 'one command per backend');
      } finally {
        await h.close();
      }
    });
  }
});

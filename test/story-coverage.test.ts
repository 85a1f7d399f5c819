import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listTokens, listTools } from '../bench/catalog.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { viewSelection } from '../src/tools/core/reach.js';
import { instructionsFor } from '../src/server/server.js';
import { allTools } from '../src/tools/core/registry.js';

/**
 * Issue 15, point 2: every story of design/user-stories.md mapped to the tools that answer it.
 * The default selection (THRUK_TOOLSETS unset) must reach them directly or with ONE call of
 * thruk_enable_toolset (which takes several toolsets at once), within 5 000 tokens of tools/list.
 * `enable` is the toolsets that one call must name: when a tool moves in or out of the default
 * selection, the test says which story changed.
 */
const STORIES: ReadonlyArray<{ n: number; ask: string; tools: readonly string[]; enable: readonly string[] }> = [
  { n: 1, ask: 'What is broken right now?', tools: ['thruk_problems', 'thruk_totals'], enable: [] },
  {
    n: 2,
    ask: 'Why is checkout slow? Start with app-02.',
    tools: ['thruk_get_host', 'thruk_list_logs', 'thruk_incident_timeline'],
    enable: [],
  },
  { n: 3, ask: 'Is this one outage or many?', tools: ['thruk_root_cause'], enable: [] },
  { n: 4, ask: 'Put web-01 into maintenance for two hours.', tools: ['thruk_schedule_downtime', 'thruk_list_downtimes'], enable: [] },
  { n: 5, ask: 'Acknowledge all the disk warnings on the db servers, ticket OPS-123.', tools: ['thruk_bulk_acknowledge'], enable: [] },
  {
    n: 6,
    ask: 'Remove the maintenance I set this morning.',
    tools: ['thruk_list_downtimes', 'thruk_delete_downtimes_by_filter'],
    enable: [],
  },
  { n: 7, ask: 'Was db-02 down last night? For how long?', tools: ['thruk_incident_timeline'], enable: [] },
  {
    n: 8,
    ask: 'What was our availability for the web-servers group last month?',
    tools: ['thruk_hostgroup_availability_summary', 'thruk_host_availability'],
    enable: ['availability'],
  },
  {
    n: 9,
    ask: 'Which checks are noisy or flapping? What should we tune?',
    tools: ['thruk_top_noisy_services', 'thruk_flap_summary', 'thruk_recurring_problems'],
    enable: ['trends'],
  },
  { n: 10, ask: 'Which disks fill up soonest?', tools: ['thruk_perfdata_near_threshold'], enable: ['perfdata'] },
  {
    n: 11,
    ask: 'Are any checks stale, or is a monitoring backend lagging?',
    tools: ['thruk_brief', 'thruk_stale_checks', 'thruk_backend_health'],
    enable: ['triage'],
  },
  { n: 12, ask: 'Show me everything about web-01 (50 000 hosts).', tools: ['thruk_get_host', 'thruk_list_services'], enable: [] },
  { n: 13, ask: 'Run this Thruk query for me.', tools: ['thruk_query', 'thruk_describe'], enable: ['escape', 'discovery'] },
  { n: 14, ask: 'A read-only assistant for the whole company.', tools: ['thruk_problems', 'thruk_brief', 'thruk_get_host'], enable: [] },
  { n: 15, ask: '"It says the API key is wrong" (thruk-mcp doctor, a CLI command: test/cli.test.ts)', tools: [], enable: [] },
  { n: 16, ask: "I'm starting my shift — what should I know?", tools: ['thruk_brief'], enable: [] },
  { n: 17, ask: 'What happened in the last 30 minutes? (two cores)', tools: ['thruk_list_logs'], enable: [] },
  {
    n: 18,
    ask: 'Tell me about web-01 where web-01 exists on two cores.',
    tools: ['thruk_get_host', 'thruk_schedule_downtime'],
    enable: [],
  },
  { n: 19, ask: 'Ack it until it recovers vs just for now.', tools: ['thruk_acknowledge'], enable: [] },
];

function config(env: Record<string, string> = {}): Config {
  const r = loadConfig(['--demo'], env);
  if (!r.ok || r.action !== 'serve') throw new Error(JSON.stringify(r));
  return r.config;
}

describe('every user story is within reach of the default selection (issue 15)', () => {
  const tools = allTools();
  const known = new Set(tools.map((t) => t.name));

  it('covers the 19 stories, each naming registered tools', () => {
    assert.deepEqual(
      STORIES.map((s) => s.n),
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
    for (const s of STORIES) for (const t of s.tools) assert.ok(known.has(t), `story ${s.n}: ${t} is not a tool`);
  });

  for (const readOnly of [false, true]) {
    it(`reaches every story directly or with one thruk_enable_toolset call${readOnly ? ' (read-only mode: the reads)' : ''}`, () => {
      const c = config(readOnly ? { THRUK_READ_ONLY: 'true' } : {});
      assert.deepEqual(c.toolsets, ['default']);
      const base = viewSelection(tools, c);
      const callable = new Set(base.callable.map((t) => t.name));
      assert.ok(callable.has('thruk_enable_toolset'), 'the discovery tool is in the default selection');
      for (const s of STORIES) {
        const wanted = s.tools.filter((t) => !readOnly || tools.find((d) => d.name === t)?.access === 'read');
        const missing = wanted.filter((t) => !callable.has(t));
        const sets = [...new Set(missing.map((t) => base.reachable.get(t) ?? `(unreachable: ${t})`))].sort();
        assert.deepEqual(
          sets,
          [...s.enable].filter((e) => wanted.some((t) => tools.find((d) => d.name === t)?.toolset === e)).sort(),
          `story ${s.n} "${s.ask}": default lacks ${missing.join(', ')}`,
        );
        // One call: the toolsets together, as thruk_enable_toolset {"toolset":"a,b"} turns them on.
        const after = new Set(viewSelection(tools, { ...c, toolsets: [...c.toolsets, ...sets] }).callable.map((t) => t.name));
        for (const t of wanted) assert.ok(after.has(t), `story ${s.n}: ${t} after enabling ${sets.join(',')}`);
      }
    });
  }

  it('the stories answered by default need no enable at all: what is broken, one host, outages, writes, the shift brief', () => {
    const callable = new Set(viewSelection(tools, config()).callable.map((t) => t.name));
    for (const s of STORIES.filter((x) => x.enable.length === 0))
      for (const t of s.tools) assert.ok(callable.has(t), `story ${s.n}: ${t} is in the default selection`);
  });

  it('the default tools/list (through the real handler) is the selection above and within 5 000 tokens', async () => {
    const listed = await listTools();
    assert.deepEqual(
      listed.map((t) => t.name),
      viewSelection(tools, config()).listed.map((t) => t.name),
    );
    const n = listTokens(listed);
    assert.ok(n <= 5000, `default tools/list is ${n} tokens`);
    // Descriptions and argument texts of the default list name only tools in that list (issue 15, point 3).
    const names = new Set(listed.map((t) => t.name));
    for (const t of listed) {
      const named = [...new Set(JSON.stringify(t).match(/\bthruk_[a-z_]+/g) ?? [])];
      assert.deepEqual(
        named.filter((x) => !names.has(x)),
        [],
        `${t.name} names tools the default list does not have`,
      );
    }
    const c = config();
    const named = [...new Set(instructionsFor(viewSelection(tools, c).listed, tools, c).match(/\bthruk_[a-z_]+/g) ?? [])];
    assert.deepEqual(
      named.filter((x) => !names.has(x)),
      [],
      'the server instructions name only listed tools',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '../src/config/config.js';
import { instructionsFor } from '../src/server/server.js';
import { capText, describeInputIssues, fullSchemas, redactArgs, toMcpTool } from '../src/tools/core/adapter.js';
import { annotationsFor, defineTool, TOOLSETS, type ToolDef } from '../src/tools/core/define.js';
import { cell, duration, estimateTokens, hostStateName, iso, serviceStateName, when } from '../src/tools/lib/format.js';
import {
  allTools,
  closest,
  DEFAULT_TOOLS,
  exclusionOf,
  globToRegExp,
  refusalText,
  selectTools,
  unknownToolsets,
} from '../src/tools/core/registry.js';

const cfg = (o: { readOnly?: boolean; enabledTools?: string[]; toolsets?: string[]; dynamicToolsets?: boolean } = {}) => ({
  readOnly: false,
  enabledTools: [],
  toolsets: [],
  ...o,
});

describe('tool registry', () => {
  const tools = allTools();

  it('every tool is a complete, unique, strict record', () => {
    const names = new Set<string>();
    for (const t of tools) {
      assert.match(t.name, /^thruk_[a-z_]+$/);
      assert.ok(!names.has(t.name), `duplicate ${t.name}`);
      names.add(t.name);
      assert.ok(
        t.title.length > 0 && t.description.length > 20 && t.description.length <= 420,
        `${t.name} description length ${t.description.length}`,
      );
      assert.ok(t.toolset in TOOLSETS);
      const mcp = toMcpTool(t);
      const full = fullSchemas(t);
      assert.equal(mcp.inputSchema.type, 'object');
      assert.equal(full.input.additionalProperties, false, `${t.name} input must be strict`);
      assert.ok(!('anyOf' in mcp.inputSchema) && !('oneOf' in mcp.inputSchema), `${t.name}: no top-level combinators`);
      assert.ok(!JSON.stringify(mcp.inputSchema).includes('$ref'), `${t.name}: the published schema is self-contained`);
      assert.deepEqual(mcp.outputSchema, { type: 'object' });
      assert.equal(full.output.type, 'object');
      // limit, offset and backends mean the same everywhere (server instructions, docs/tools.md).
      for (const [k, v] of Object.entries(mcp.inputSchema.properties as Record<string, { description?: string }>)) {
        assert.ok(
          (v.description ?? '').length > 0 || ['limit', 'offset', 'backends', 'plan_id'].includes(k),
          `${t.name}.${k} needs a description`,
        );
      }
    }
  });

  it('derives annotations from access', () => {
    assert.deepEqual(annotationsFor({ access: 'read', title: 'x' }), {
      title: 'x',
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    assert.equal(annotationsFor({ access: 'write', title: 'x' }).readOnlyHint, false);
    assert.equal(annotationsFor({ access: 'write', title: 'x', idempotent: true }).idempotentHint, true);
    assert.equal(annotationsFor({ access: 'destructive', title: 'x' }).destructiveHint, true);
  });

  it('matches THRUK_ENABLED_TOOLS like fnmatch', () => {
    assert.ok(globToRegExp('thruk_list_*').test('thruk_list_hosts'));
    assert.ok(!globToRegExp('thruk_list_*').test('thruk_get_host'));
    assert.ok(globToRegExp('thruk_get_hos?').test('thruk_get_host'));
    assert.ok(globToRegExp('thruk_[gl]*').test('thruk_get_host'));
    assert.ok(!globToRegExp('thruk_[!g]*').test('thruk_get_host'));
    assert.ok(!globToRegExp('a.b').test('axb'), 'dots are literal');
  });

  const fakeWrite = defineTool({
    name: 'thruk_fake_write',
    title: 'w',
    toolset: 'state',
    access: 'write',
    description: 'a write tool used to test filtering',
    input: z.object({}).strict(),
    output: z.object({}),
    run: () => Promise.resolve({ data: {}, text: '' }),
  }) as unknown as ToolDef;

  it('read-only removes every non-read tool and wins over the allowlist', () => {
    const all = [...tools, fakeWrite];
    assert.ok(selectTools(all, cfg()).includes(fakeWrite));
    const ro = selectTools(all, cfg({ readOnly: true, enabledTools: ['*'] }));
    assert.ok(ro.every((t) => t.access === 'read' || t.readOnlyFallback === true));
    // With every toolset on there is nothing to enable: the discovery tool is not offered.
    assert.equal(
      ro.length,
      tools.filter((t) => (t.access === 'read' || t.readOnlyFallback === true) && t.name !== 'thruk_enable_toolset').length,
    );
    assert.equal(exclusionOf(fakeWrite, cfg({ readOnly: true, enabledTools: ['thruk_fake_write'] })), 'read-only');
    assert.match(refusalText('thruk_fake_write', all, ro, cfg({ readOnly: true })), /read-only.*Nothing was done/);
  });

  it('filters by allowlist and toolset, and explains refusals', () => {
    const only = selectTools(tools, cfg({ enabledTools: ['thruk_get_*'] }));
    assert.deepEqual(
      only.map((t) => t.name).sort(),
      tools
        .filter((t) => t.name.startsWith('thruk_get_'))
        .map((t) => t.name)
        .sort(),
    );
    assert.match(refusalText('thruk_list_hosts', tools, only, cfg({ enabledTools: ['thruk_get_*'] })), /THRUK_ENABLED_TOOLS/);
    // An unknown toolset selects nothing but the discovery tool (and is a configuration error, see selectionIssues).
    assert.deepEqual(
      selectTools(tools, cfg({ toolsets: ['nope'] })).map((t) => t.name),
      ['thruk_enable_toolset'],
    );
    assert.deepEqual(selectTools(tools, cfg({ toolsets: ['nope'], dynamicToolsets: false })), []);
    assert.equal(selectTools(tools, cfg({ toolsets: ['all'] })).length, tools.length - 1);
    assert.match(refusalText('thruk_list_host', tools, tools, cfg()), /Did you mean thruk_list_hosts, /);
  });

  it('offers the default selection when neither THRUK_TOOLSETS nor THRUK_ENABLED_TOOLS is set', () => {
    const env = { THRUK_BASE_URL: 'https://mon.example.com/thruk', THRUK_API_KEY: 'k' };
    const load = (e: Record<string, string>) => {
      const r = loadConfig([], { ...env, ...e });
      assert.ok(r.ok && r.action === 'serve');
      return r.config;
    };
    assert.deepEqual(load({}).toolsets, ['default']);
    assert.deepEqual(load({ THRUK_TOOLSETS: 'state,trends' }).toolsets, ['state', 'trends']);
    // An allowlist alone still chooses among all tools, as in the Python server.
    assert.deepEqual(load({ THRUK_ENABLED_TOOLS: 'thruk_list_*' }).toolsets, []);
    const viaAllowlist = selectTools(tools, load({ THRUK_ENABLED_TOOLS: 'thruk_list_*' })).map((t) => t.name);
    assert.ok(viaAllowlist.includes('thruk_list_contacts') && !DEFAULT_TOOLS.has('thruk_list_contacts'));

    for (const name of DEFAULT_TOOLS)
      assert.ok(
        tools.some((t) => t.name === name),
        `${name} in DEFAULT_TOOLS is a registered tool`,
      );
    const dflt = selectTools(tools, load({}));
    assert.deepEqual(dflt.map((t) => t.name).sort(), [...DEFAULT_TOOLS].sort());
    // default combines with toolsets; all keeps offering everything.
    const plus = selectTools(tools, cfg({ toolsets: ['default', 'trends'] })).map((t) => t.name);
    assert.equal(plus.length, DEFAULT_TOOLS.size + tools.filter((t) => t.toolset === 'trends').length);
    assert.equal(selectTools(tools, cfg({ toolsets: ['all', 'default'] })).length, tools.length - 1);
    assert.deepEqual(unknownToolsets(cfg({ toolsets: ['default', 'all', 'state', 'nope'] })), ['nope']);
  });

  it('explains a tool outside the enabled toolsets and how to add it, in the refusal and the instructions', () => {
    const c = cfg({ toolsets: ['default'] });
    const offered = selectTools(tools, c);
    assert.equal(exclusionOf(tools.find((t) => t.name === 'thruk_flap_summary') as ToolDef, c), 'toolset');
    // The model can turn the toolset on itself: the refusal and the instructions name the one call.
    assert.match(
      refusalText('thruk_flap_summary', tools, offered, c),
      /belongs to the 'trends' toolset.*Call thruk_enable_toolset \{"toolset":"trends"\} first/,
    );
    assert.match(
      instructionsFor(offered, tools, c),
      new RegExp(
        `lists ${offered.length} of ${tools.length} tools; ${tools.length - offered.length} more .* one thruk_enable_toolset call away`,
      ),
    );
    // When the operator fixed the selection, only the operator can add it.
    const fixed = cfg({ toolsets: ['default'], dynamicToolsets: false });
    const offeredFixed = selectTools(tools, fixed);
    assert.ok(!offeredFixed.some((t) => t.name === 'thruk_enable_toolset'));
    assert.match(
      refusalText('thruk_flap_summary', tools, offeredFixed, fixed),
      /belongs to the 'trends' toolset.*THRUK_TOOLSETS=default,trends/,
    );
    const text = instructionsFor(offeredFixed, tools, fixed);
    assert.match(
      text,
      new RegExp(`offers ${offeredFixed.length} of ${tools.length} tools; ${tools.length - offeredFixed.length - 1} more`),
    );
    assert.match(text, /THRUK_TOOLSETS/);
    assert.doesNotMatch(instructionsFor(tools, tools, cfg({ toolsets: ['all'] })), /THRUK_TOOLSETS/);
    // Read-only is a deliberate limit, not something to advertise.
    const ro = cfg({ toolsets: ['all'], readOnly: true });
    assert.doesNotMatch(instructionsFor(selectTools(tools, ro), tools, ro), /THRUK_TOOLSETS/);
  });

  it('suggests near names', () => {
    assert.deepEqual(closest('web1', ['web-01', 'web-02', 'db-01', 'app-01'], 2), ['web-01']);
    assert.deepEqual(closest('web', ['web-01', 'web-002', 'db-01'], 3), ['web-01', 'web-002']);
    assert.deepEqual(closest('zzzzzz', ['web-01'], 2), []);
  });
});

describe('adapter', () => {
  const t = defineTool({
    name: 'thruk_x',
    title: 'x',
    toolset: 'state',
    access: 'read',
    description: 'test tool for adapter',
    input: z.object({ limit: z.number().int().max(10), host: z.string() }).strict(),
    output: z.object({}),
    run: () => Promise.resolve({ data: {}, text: '' }),
  }) as unknown as ToolDef;

  it('names each bad argument and lists the valid ones for unknown keys', () => {
    const r = t.input.safeParse({ limit: 'x', hots: 'a' });
    assert.ok(!r.success);
    const msg = describeInputIssues(t, r.error);
    assert.match(msg, /^Invalid arguments for thruk_x: /);
    assert.match(msg, /limit: /);
    assert.match(msg, /unknown argument 'hots' \(valid: limit, host\)/);
  });

  it('redacts secret-looking arguments recursively', () => {
    assert.deepEqual(redactArgs({ host: 'a', api_key: 'k', nested: [{ token: 't', x: 1 }] }), {
      host: 'a',
      api_key: '***',
      nested: [{ token: '***', x: 1 }],
    });
  });

  it('caps text beyond the budget and says so', () => {
    const long = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const out = capText(long, 1000);
    assert.ok(estimateTokens(out) <= 1100);
    assert.match(out, /answer cut at the 1000-token budget/);
    assert.equal(capText('short', 1000), 'short');
  });
});

describe('formatting', () => {
  it('names states, including pending and out-of-range codes', () => {
    assert.equal(hostStateName(2), 'UNREACHABLE');
    assert.equal(hostStateName(0, 0), 'PENDING');
    assert.equal(hostStateName(0, false), 'PENDING');
    assert.equal(serviceStateName(3, true), 'UNKNOWN');
    assert.equal(serviceStateName(7), 'UNKNOWN(7)');
  });
  it('formats times in UTC with Z and durations in a human form', () => {
    assert.equal(iso(1795237158), '2026-11-21T04:59:18Z');
    assert.equal(iso(0), '');
    assert.equal(duration(59), '59s');
    assert.equal(duration(3 * 3600 + 5 * 60 + 7), '3h 5m');
    assert.equal(duration(2 * 86400 + 3600), '2d 1h');
    assert.equal(when(1000, 1000_000 + 3_600_000), '1h ago (1970-01-01T00:16:40Z)');
    assert.equal(when(0, 5), 'never');
  });
  it('keeps cells on one line without separators', () => {
    assert.equal(cell('a|b\nc\\nd'), 'a¦b ⏎ c ⏎ d');
    assert.equal(cell(['x', 'y']), 'x,y');
    assert.equal(cell(null), '');
    assert.equal(cell('y'.repeat(500)).length, 240);
  });
});

/** The prebuilt tools/list manifest (src/tools/core/published.ts) publishes exactly what toMcpTool does. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger } from '../src/server/log.js';
import type { Instance } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import type { ThrukClient } from '../src/thruk/client.js';
import { toMcpTool } from '../src/tools/core/adapter.js';
import type { ToolDef } from '../src/tools/core/define.js';
import { buildManifest, manifestSource, readManifest, toolSourceOf, type Manifest } from '../src/tools/core/published.js';
import { allTools } from '../src/tools/core/registry.js';
import { createHttpApp } from '../src/transports/http.js';
import { demoConfig } from './helpers/config.js';
import { connect } from './helpers/harness.js';

/** What a build writes and a start-up reads back: the manifest after a JSON round trip. */
const roundTrip = (tools: readonly ToolDef[]): Manifest => JSON.parse(JSON.stringify(buildManifest(tools))) as Manifest;

/** tools/list of a server on `source` with the named Thruk instances (no Thruk is asked). */
async function listed(source: ReturnType<typeof manifestSource>, instanceNames: readonly string[]) {
  const config = demoConfig();
  const log = createLogger('silent');
  const thruk = {} as ThrukClient;
  const instances = new Map<string, Instance>(instanceNames.map((name) => [name, { name, settings: { ...config.thruk, name }, thruk }]));
  const app = createHttpApp(
    createServerFactory({ config, thruk, log, version: 't', tools: source, instances }),
    { token: undefined, allowedHosts: ['localhost'] },
    log,
  );
  const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }),
    );
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await app.close();
  }
}

void describe('prebuilt tools manifest', () => {
  const tools = allTools();
  const dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-manifest-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('publishes every tool exactly as toMcpTool does, in both modes and in registry order', () => {
    const source = manifestSource(roundTrip(tools), () => Promise.resolve(tools));
    assert.deepEqual(
      source.metas.map((m) => m.name),
      tools.map((t) => t.name),
    );
    for (const t of tools) {
      assert.deepEqual(source.entry(t.name, false), toMcpTool(t, false), t.name);
      assert.deepEqual(source.entry(t.name, true), toMcpTool(t, true), `${t.name} read-only`);
      const meta = source.metas.find((m) => m.name === t.name);
      assert.deepEqual(meta, {
        name: t.name,
        title: t.title,
        toolset: t.toolset,
        access: t.access,
        ...(t.idempotent !== undefined ? { idempotent: t.idempotent } : {}),
        ...(t.readOnlyFallback !== undefined ? { readOnlyFallback: t.readOnlyFallback } : {}),
      });
    }
    assert.throws(() => source.entry('thruk_nope', false), /unknown tool thruk_nope/);
  });

  void it('loads the tool code once, on first use, and refuses code that does not match the manifest', async () => {
    let loads = 0;
    const source = manifestSource(roundTrip(tools), () => {
      loads++;
      return Promise.resolve(tools);
    });
    assert.equal(loads, 0, 'nothing loaded before the first call');
    const [a, b] = await Promise.all([source.defs(), source.defs()]);
    assert.equal(loads, 1);
    assert.equal(a, b);
    assert.equal(
      a.get('thruk_totals'),
      tools.find((t) => t.name === 'thruk_totals'),
    );
    const stale = manifestSource(roundTrip(tools), () => Promise.resolve(tools.slice(1)));
    await assert.rejects(stale.defs(), /tools-manifest\.json does not match the tool code; rebuild with npm run build/);
  });

  void it('reads a manifest only when it is at least as new as the module beside it', () => {
    const self = join(dir, 'published.js');
    const file = join(dir, 'tools-manifest.json');
    writeFileSync(self, '// stand-in for the compiled module\n');
    assert.equal(readManifest(file, self), undefined, 'missing manifest (running from src/)');
    writeFileSync(file, JSON.stringify(buildManifest(tools.slice(0, 3))));
    const now = Date.now() / 1000;
    utimesSync(self, now - 10, now - 10);
    utimesSync(file, now, now);
    assert.deepEqual(
      readManifest(file, self)?.tools.map((t) => t.meta.name),
      tools.slice(0, 3).map((t) => t.name),
    );
    utimesSync(self, now + 10, now + 10);
    assert.equal(readManifest(file, self), undefined, 'a bare tsc after the build leaves the manifest older: ignored, never served stale');
    utimesSync(self, now - 10, now - 10);
    for (const bad of ['{', '{"format":2,"tools":[]}', '{"format":1,"tools":[{"meta":{}}]}', 'null']) {
      writeFileSync(file, bad);
      utimesSync(file, now, now);
      assert.equal(readManifest(file, self), undefined, bad);
    }
  });

  void it('a server on the manifest answers tools/list and tools/call like one on the definitions', async () => {
    let loads = 0;
    const source = manifestSource(roundTrip(tools), () => {
      loads++;
      return Promise.resolve(tools);
    });
    const prebuilt = await connect({ tools: source });
    const live = await connect({ tools: toolSourceOf(tools) });
    try {
      assert.deepEqual((await prebuilt.client.listTools()).tools, (await live.client.listTools()).tools);
      assert.equal(loads, 0, 'tools/list needs no tool code');
      const a = await prebuilt.call('thruk_totals');
      const b = await live.call('thruk_totals');
      assert.equal(a.isError, undefined);
      assert.deepEqual(a.structured, b.structured);
      assert.equal(loads, 1);
      const refused = await prebuilt.call('thruk_totalz');
      assert.equal(refused.isError, true);
      assert.match(refused.text, /Unknown tool 'thruk_totalz'\. Did you mean thruk_totals/);
    } finally {
      await prebuilt.close();
      await live.close();
    }
  });

  void it('adds the instance argument to copies: the entries a manifest shares between views and servers stay as built', async () => {
    const manifest = roundTrip(tools);
    const built = JSON.stringify(manifest);
    const source = manifestSource(manifest, () => Promise.resolve(tools));
    const multi = await listed(source, ['prod', 'lab']);
    assert.ok(multi.length > 10);
    for (const t of multi)
      assert.deepEqual((t.inputSchema.properties as Record<string, { enum?: string[] }>)['instance']?.enum, ['prod', 'lab'], t.name);
    assert.equal(JSON.stringify(manifest), built, 'the manifest entries are unchanged');
    const single = await listed(source, ['prod']);
    assert.equal(single.length, multi.length);
    for (const t of single) assert.equal((t.inputSchema.properties ?? {})['instance'], undefined, t.name);
  });
});

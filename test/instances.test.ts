/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createHttpApp, type HttpApp } from '../src/transports/http.js';
import { connect as connectDemo } from './helpers/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-instances-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const text = (r: any): string => (r.content ?? []).map((c: any) => c.text).join('\n');

/** Two Thruk instances, each a simulator of its own: prod (25 hosts, site eu) and lab (6 hosts, site lab-1). */
describe('several Thruk instances: calls are routed by instance name', () => {
  const sims: Record<string, Simulator> = {
    prod: createSimulator({ apiKey: 'prod_key', hosts: 25, sites: ['eu'] }),
    lab: createSimulator({ apiKey: 'lab_key', hosts: 6, sites: ['lab-1'], seed: 7 }),
  };
  const logs: string[] = [];
  let config: Config;
  let runtime: Runtime;
  let app: HttpApp;
  let client: Client;

  before(async () => {
    const path = join(dir, 'thruk-mcp.yaml');
    writeFileSync(
      path,
      [
        'default: prod',
        'instances:',
        '  prod:',
        '    url: https://prod.example.com/prod/thruk',
        '    api_key_env: PROD_KEY',
        '  lab:',
        '    url: https://lab.example.com/lab/thruk',
        `    api_key_file: ${join(dir, 'lab.key')}`,
        '    auth_user: lab-operator',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'lab.key'), 'lab_key\n');
    const r = loadConfig([], { THRUK_MCP_CONFIG: path, PROD_KEY: 'prod_key' });
    if (!r.ok || r.action !== 'serve') throw new Error(JSON.stringify(r));
    config = r.config;
    const log = createLogger('info', { write: (s: string) => logs.push(s) });
    // Each instance reaches only its own simulator, as each URL would reach only its own Thruk.
    runtime = createRuntime(config, log, undefined, {
      sendFor: (i) => {
        const sim = sims[i.name];
        if (sim === undefined) throw new Error(`no simulator for ${i.name}`);
        return fetchHandlerSend((req) => {
          assert.ok(req.url.startsWith(i.baseUrl), `${i.name} sent to ${req.url}`);
          return sim.fetch(req);
        });
      },
    });
    const factory = createServerFactory({
      config,
      thruk: runtime.thruk,
      instances: runtime.instances,
      log,
      version: 't',
      tools: allTools(),
    });
    app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'] }, log);
    client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }),
    );
  });
  after(async () => {
    await client.close();
    await app.close();
    await runtime.close();
  });

  const counts = () => ({ prod: sims.prod!.requests.length, lab: sims.lab!.requests.length });

  it('lists an optional instance argument (the configured names) on every tool', async () => {
    const { tools } = await client.listTools();
    assert.ok(tools.length > 10);
    for (const t of tools) {
      const p = (t.inputSchema.properties ?? {}) as Record<string, { enum?: string[] }>;
      assert.deepEqual(p['instance']?.enum, ['prod', 'lab'], t.name);
      assert.ok(!(t.inputSchema.required ?? []).includes('instance'), t.name);
    }
  });

  it("sends a call to the named instance only, with that instance's key and user; no name means the default", async () => {
    const before = counts();
    const lab = await client.callTool({ name: 'thruk_list_hosts', arguments: { instance: 'lab', limit: 50 } });
    assert.equal(lab.isError, undefined, text(lab));
    const mid = counts();
    assert.equal(mid.prod, before.prod, 'prod was not asked');
    assert.ok(mid.lab > before.lab);
    assert.equal((lab.structuredContent as any).total, 6);
    const last = sims.lab!.requests.at(-1)!;
    assert.equal(last.headers['x-thruk-auth-key'], 'lab_key');
    assert.equal(last.headers['x-thruk-auth-user'], 'lab-operator');

    const prod = await client.callTool({ name: 'thruk_list_hosts', arguments: { limit: 50 } });
    assert.equal((prod.structuredContent as any).total, 25);
    const end = counts();
    assert.equal(end.lab, mid.lab, 'lab was not asked');
    assert.equal(sims.prod!.requests.at(-1)!.headers['x-thruk-auth-key'], 'prod_key');
    assert.equal(sims.prod!.requests.at(-1)!.headers['x-thruk-auth-user'], undefined);

    const sites = await client.callTool({ name: 'thruk_sites', arguments: { instance: 'lab' } });
    assert.match(text(sites), /lab-1/);
    assert.doesNotMatch(text(sites), /\beu\b/);
  });

  it('refuses an unknown instance, a URL or a non-string, naming the valid ones, and asks no Thruk', async () => {
    const before = counts();
    for (const instance of ['staging', 'https://evil.example.com/thruk', 42]) {
      const r = await client.callTool({ name: 'thruk_totals', arguments: { instance } });
      assert.equal(r.isError, true);
      assert.match(text(r), /^Unknown Thruk instance .*\. Use one of: prod, lab \(default prod\)\.$/);
    }
    assert.deepEqual(counts(), before);
  });

  it('runs a write on the named instance only and records the instance in the audit line', async () => {
    const host = sims.lab!.state.hosts.find((h) => h.state !== 0 && !h.acknowledged)?.name;
    assert.ok(host, 'the lab estate has an unacknowledged problem host');
    const r = await client.callTool({ name: 'thruk_acknowledge', arguments: { instance: 'lab', host, comment: 'lab work' } });
    assert.equal((r.structuredContent as any).status, 'done', text(r));
    assert.equal(sims.lab!.state.host(host)?.acknowledged, true);
    // The lab operator is the author: the instance's auth user, not the default's.
    assert.match((r.structuredContent as any).commands[0].line, /;lab-operator;lab work$/);
    assert.equal(sims.prod!.requests.filter((q) => q.path.includes('/cmd')).length, 0);
    const audit = logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.audit === true && l.phase !== 'intent')
      .at(-1);
    assert.equal(audit.instance, 'lab');
    assert.equal(audit.user, 'lab-operator');
  });

  it('completes instance names and, per instance, host names; reads resources per instance', async () => {
    const ref = { type: 'ref/resource' as const, uri: 'thruk://instances/{instance}/hosts/{name}' };
    assert.deepEqual((await client.complete({ ref, argument: { name: 'instance', value: 'l' } })).completion.values, ['lab']);
    assert.deepEqual((await client.complete({ ref, argument: { name: 'instance', value: '' } })).completion.values, ['prod', 'lab']);
    const labHosts = (await client.complete({ ref, argument: { name: 'name', value: '' }, context: { arguments: { instance: 'lab' } } }))
      .completion.values;
    assert.deepEqual(labHosts, sims.lab!.state.hosts.map((h) => h.name).sort());
    const prodHosts = (await client.complete({ ref, argument: { name: 'name', value: '' }, context: { arguments: { instance: 'prod' } } }))
      .completion.values;
    assert.equal(prodHosts.length, 25);
    assert.deepEqual(
      (await client.complete({ ref, argument: { name: 'name', value: '' }, context: { arguments: { instance: 'nope' } } })).completion
        .values,
      [],
    );

    const stats = await client.readResource({ uri: 'thruk://instances/lab/stats' });
    const s = JSON.parse((stats.contents[0] as { text: string }).text);
    assert.equal(s.hosts.total, 6);
    const prodStats = JSON.parse(
      ((await client.readResource({ uri: 'thruk://instances/prod/stats' })).contents[0] as { text: string }).text,
    );
    assert.equal(prodStats.hosts.total, 25);
    await assert.rejects(
      client.readResource({ uri: 'thruk://instances/staging/stats' }),
      /No Thruk instance named 'staging'\. Configured instances: prod, lab\./,
    );
    const listed = (await client.listResources()).resources.map((r) => r.uri);
    for (const u of ['thruk://instances/prod/problems', 'thruk://instances/lab/problems', 'thruk://instances/lab/stats'])
      assert.ok(listed.includes(u), u);
  });
});

describe('one instance: no instance argument is offered', () => {
  it("lists none, accepts the instance's own name and refuses others", async () => {
    const h = await connectDemo();
    const { tools } = await h.client.listTools();
    for (const t of tools) assert.equal((t.inputSchema.properties as Record<string, unknown> | undefined)?.['instance'], undefined, t.name);
    const ok = await h.call('thruk_totals', { instance: 'default' });
    assert.equal(ok.isError, undefined, ok.text);
    const bad = await h.call('thruk_totals', { instance: 'prod' });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /Unknown Thruk instance 'prod'\. Use one of: default \(default default\)\./);
    await h.close();
  });
});

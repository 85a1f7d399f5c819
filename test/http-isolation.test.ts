/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { createServerFactory, needsCatalog } from '../src/server/server.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { createHttpApp, type HttpApp } from '../src/transports/http.js';
import { markRpcMethod, rpcMethodOf } from '../src/transports/request.js';

/**
 * Issue 18, point 3: the HTTP factory shares everything that does not depend on the caller
 * (tool lists, schemas, prompt definitions) and skips resources and prompts for requests that
 * cannot reach them. What stays per request — identity, toolset selection, read-only — must never
 * cross between callers, even when their requests interleave on the same process.
 *
 * Alice (write scope, toolsets escape+actions), Bob (read scope, default toolsets) and Bob again
 * with escape+actions call at the same time over both protocol eras; every answer must equal the
 * one the same caller got alone, and the identities come from the simulator's own users.
 */
const USERS = [
  { name: 'alice', key: 'alice_key_1', password: 'alice-pw', hostgroups: ['web-servers'] },
  { name: 'bob', key: 'bob_key_2', password: 'bob-pw', hostgroups: ['database-servers'] },
];

interface Caller {
  readonly label: string;
  readonly headers: Record<string, string>;
  readonly user: string;
  readonly extraToolsets: boolean;
  readonly writer: boolean;
}

const CALLERS: readonly Caller[] = [
  {
    label: 'alice rw +escape,actions',
    headers: { authorization: 'Bearer alice-tok', 'x-mcp-toolsets': 'escape,actions' },
    user: 'alice',
    extraToolsets: true,
    writer: true,
  },
  { label: 'bob ro default', headers: { authorization: 'Bearer bob-tok' }, user: 'bob', extraToolsets: false, writer: false },
  {
    label: 'bob ro +escape,actions',
    headers: { authorization: 'Bearer bob-tok', 'x-mcp-toolsets': 'escape,actions' },
    user: 'bob',
    extraToolsets: true,
    writer: false,
  },
];

const text = (r: any): string => (r.content ?? []).map((c: any) => c.text).join('\n');

describe('HTTP caller isolation under concurrent requests (both eras)', () => {
  let app: HttpApp;
  let sim: Simulator;
  let runtime: Runtime;
  const clients: Client[] = [];

  before(() => {
    const r = loadConfig(['--demo', '--listen', '0'], {
      MCP_THRUK_AUTH: 'impersonate',
      MCP_HTTP_TOKENS: 'alice-tok:write@alice,bob-tok:read@bob',
    });
    if (!r.ok || r.action !== 'serve') throw new Error(`bad config: ${JSON.stringify(r)}`);
    const config = r.config;
    const log = createLogger('warn', { write: () => undefined });
    sim = createSimulator({ apiKey: config.thruk.apiKey, users: USERS });
    runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((q) => sim.fetch(q)),
    );
    const factory = createServerFactory({
      config,
      thruk: runtime.thruk,
      instances: runtime.instances,
      log,
      version: 't',
      tools: allTools(),
    });
    app = createHttpApp(
      factory,
      { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(config.http.auth, log, { thruk: runtime.thruk }) },
      log,
    );
  });
  after(async () => {
    for (const c of clients) await c.close();
    await app.close();
    await runtime.close();
  });

  async function connect(caller: Caller, era: 'modern' | 'legacy'): Promise<Client> {
    const c = new Client({ name: 'iso', version: '1' }, era === 'modern' ? { versionNegotiation: { mode: 'auto' } } : {});
    await c.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, i) => app.fetch(new Request(u, i)),
        requestInit: { headers: caller.headers },
      }),
    );
    clients.push(c);
    return c;
  }

  /** Everything that differs by caller: the tool list, who Thruk sees, what a refused call says, the stats resource. */
  async function observe(c: Client): Promise<Record<string, string>> {
    const [list, who, ack, stats, prompts] = await Promise.all([
      c.listTools(),
      c.callTool({ name: 'thruk_query', arguments: { path: '/thruk/whoami' } }),
      c.callTool({ name: 'thruk_schedule_downtime', arguments: { host: 'web-01', comment: 'isolation', dry_run: true } }),
      c.readResource({ uri: 'thruk://stats' }),
      c.listPrompts(),
    ]);
    return {
      tools: list.tools
        .map((t) => t.name)
        .sort()
        .join(','),
      whoami: `${who.isError === true ? 'error: ' : ''}${text(who)}`,
      // The preview names times and a plan id of its own: digits masked, the wording is what differs by caller.
      write: `${ack.isError === true ? 'error: ' : ''}${text(ack).replace(/\d/g, '#')}`,
      stats: JSON.stringify(stats.contents),
      prompts: prompts.prompts
        .map((p) => p.name)
        .sort()
        .join(','),
    };
  }

  it('each caller sees only its own tools, identity and read-only mode, alone and interleaved', async () => {
    for (const era of ['modern', 'legacy'] as const) {
      const alone = new Map<string, Record<string, string>>();
      for (const caller of CALLERS) alone.set(caller.label, await observe(await connect(caller, era)));

      // Facts from the callers' own configuration and from the simulator's users, not from the server.
      for (const caller of CALLERS) {
        const o = alone.get(caller.label)!;
        const tools = o.tools!.split(',');
        assert.equal(tools.includes('thruk_query'), caller.extraToolsets, `${era} ${caller.label}: thruk_query listed`);
        assert.equal(
          tools.includes('thruk_schedule_downtime'),
          caller.extraToolsets && caller.writer,
          `${era} ${caller.label}: write tool listed`,
        );
        if (caller.extraToolsets)
          assert.match(o.whoami!, new RegExp(`"id":\\s*"${caller.user}"`), `${era} ${caller.label}: Thruk sees ${caller.user}`);
        else assert.match(o.whoami!, /^error: /, `${era} ${caller.label}: thruk_query refused`);
        if (caller.writer) assert.doesNotMatch(o.write!, /^error: /, `${era} ${caller.label}: the preview runs`);
        else assert.match(o.write!, caller.extraToolsets ? /needs the 'thruk:write' scope/ : /^error: /, `${era} ${caller.label}: refused`);
      }
      assert.notEqual(alone.get(CALLERS[0]!.label)!.stats, alone.get(CALLERS[1]!.label)!.stats, 'alice and bob see different estates');
      assert.equal(
        alone.get(CALLERS[1]!.label)!.stats,
        alone.get(CALLERS[2]!.label)!.stats,
        'a toolset choice does not change whose estate',
      );

      // Now all at once, several rounds, each on a fresh client (every request a fresh server).
      const rounds = await Promise.all(
        Array.from({ length: 4 }, async () =>
          Promise.all(CALLERS.map(async (caller) => ({ caller, got: await observe(await connect(caller, era)) }))),
        ),
      );
      for (const round of rounds) {
        for (const { caller, got } of round)
          assert.deepEqual(got, alone.get(caller.label), `${era} ${caller.label}: the same answers under concurrency`);
      }
    }
    // Impersonation on the wire: every request carried one of the two users, never none.
    const users = new Set(sim.requests.map((q) => q.headers['x-thruk-auth-user']));
    assert.deepEqual([...users].sort(), ['alice', 'bob']);
  });
});

describe('the per-request server only registers what the request can reach', () => {
  it('needsCatalog: resources, prompts and completions (or an unknown method) need them; tools and the handshake do not', () => {
    for (const m of [
      'resources/read',
      'resources/list',
      'resources/templates/list',
      'prompts/get',
      'prompts/list',
      'completion/complete',
      undefined,
    ])
      assert.equal(needsCatalog(m), true, String(m));
    for (const m of ['tools/call', 'tools/list', 'initialize', 'server/discover', 'notifications/initialized', 'ping'])
      assert.equal(needsCatalog(m), false, m);
  });

  it("markRpcMethod records a single request's method only (a batch or a non-object stays unknown)", () => {
    const one = new Request('http://localhost/mcp', { method: 'POST' });
    markRpcMethod(one, { jsonrpc: '2.0', id: 1, method: 'tools/call' });
    assert.equal(rpcMethodOf(one), 'tools/call');
    const batch = new Request('http://localhost/mcp', { method: 'POST' });
    markRpcMethod(batch, [{ jsonrpc: '2.0', id: 1, method: 'tools/call' }]);
    assert.equal(rpcMethodOf(batch), undefined);
    const junk = new Request('http://localhost/mcp', { method: 'POST' });
    markRpcMethod(junk, 'tools/call');
    assert.equal(rpcMethodOf(junk), undefined);
    assert.equal(rpcMethodOf(undefined), undefined);
  });

  it('a tools/call server has no resources, a resources/read server has them; both advertise the same capabilities', async () => {
    const r = loadConfig(['--demo', '--listen', '0'], { MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true' });
    if (!r.ok || r.action !== 'serve') throw new Error('bad config');
    const log = createLogger('warn', { write: () => undefined });
    const sim = createSimulator({ apiKey: r.config.thruk.apiKey });
    const runtime = createRuntime(
      r.config,
      log,
      fetchHandlerSend((q) => sim.fetch(q)),
    );
    try {
      const factory = createServerFactory({ config: r.config, thruk: runtime.thruk, log, version: 't', tools: allTools() });
      const req = (method: string) => {
        const q = new Request('http://localhost/mcp', { method: 'POST' });
        markRpcMethod(q, { method });
        return q;
      };
      const lean = factory({ era: 'modern', requestInfo: req('tools/call') } as never) as any;
      const full = factory({ era: 'modern', requestInfo: req('resources/read') } as never) as any;
      assert.equal(Object.keys(lean._registeredResourceTemplates).length + Object.keys(lean._registeredPrompts).length, 0);
      assert.ok(Object.keys(full._registeredResourceTemplates).length > 0 && Object.keys(full._registeredPrompts).length > 0);
      assert.deepEqual(lean.server.getCapabilities(), full.server.getCapabilities());
    } finally {
      await runtime.close();
    }
  });
});

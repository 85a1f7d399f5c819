/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { loadConfig, type Config } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime, readinessProbe, type Runtime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend, ThrukClient } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createAuthenticator, Sealed } from '../src/transports/auth.js';
import { createHttpApp, type HttpApp } from '../src/transports/http.js';

const BASE = 'http://sim.invalid/demo/thruk';
const SUPER = 'superkey';
const ALICE_KEY = 'alice_key_1';
const BOB_KEY = 'bob_key_2';
/** Alice is a contact of the web servers only; Bob of the database servers only. */
const USERS = [
  { name: 'alice', key: ALICE_KEY, password: 'alice-pw', hostgroups: ['web-servers'] },
  { name: 'bob', key: BOB_KEY, password: 'bob-pw', hostgroups: ['database-servers'], canSubmitCommands: false },
];

function simWithUsers(): Simulator {
  return createSimulator({ apiKey: SUPER, users: USERS });
}

/** Ground truth straight from the simulator, as the given user. */
async function restAs(sim: Simulator, headers: Record<string, string>, path: string): Promise<any> {
  const res = await sim.fetch(new Request(`${BASE}/r${path}`, { headers }));
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.json();
}

describe('ThrukClient.withCredential: one pool, a cache per credential', () => {
  it("sends each credential and never serves one caller another caller's cached or in-flight answer", async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)), cacheTtlMs: 60_000 });
    const alice = base.withCredential({ kind: 'key', key: ALICE_KEY });
    const bob = base.withCredential({ kind: 'key', key: BOB_KEY });
    // Concurrent identical cacheable GETs: coalescing must not merge the two callers.
    const [sa, sb, who] = await Promise.all([
      alice.get<{ total: number }>('/hosts/stats'),
      bob.get<{ total: number }>('/hosts/stats'),
      alice.get<{ id: string }>('/thruk/whoami'),
    ]);
    const truthA = await restAs(sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts/stats');
    const truthB = await restAs(sim, { 'X-Thruk-Auth-Key': BOB_KEY }, '/hosts/stats');
    assert.notEqual(truthA.total, truthB.total, 'the fixture must give the two users different views');
    assert.equal(sa.total, truthA.total);
    assert.equal(sb.total, truthB.total);
    assert.equal(who.id, 'alice');
    // Now cached: a second read per caller still answers that caller's own view.
    const before = sim.requests.length;
    assert.equal((await bob.get<{ total: number }>('/hosts/stats')).total, truthB.total);
    assert.equal((await alice.get<{ total: number }>('/hosts/stats')).total, truthA.total);
    assert.equal((await bob.get<{ id: string }>('/thruk/whoami')).id, 'bob');
    assert.equal(sim.requests.length, before + 1, "only bob's whoami was not cached yet");
    const keys = sim.requests.map((r) => r.headers['x-thruk-auth-key']);
    assert.ok(keys.includes(ALICE_KEY) && keys.includes(BOB_KEY));
    assert.ok(!keys.includes(SUPER), 'the service key was never used for a caller');
  });

  it('impersonation sends X-Thruk-Auth-User with the service key and caches per user', async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)) });
    const [a, b] = await Promise.all([
      base.withCredential({ kind: 'key', key: SUPER, authUser: 'carol' }).get<{ id: string }>('/thruk/whoami'),
      base.withCredential({ kind: 'key', key: SUPER, authUser: 'dave' }).get<{ id: string }>('/thruk/whoami'),
    ]);
    assert.deepEqual([a.id, b.id], ['carol', 'dave']);
    // Each impersonated identity is first checked with its own whoami, then the request goes out.
    assert.deepEqual(sim.requests.map((r) => r.headers['x-thruk-auth-user']).sort(), ['carol', 'carol', 'dave', 'dave']);
    assert.ok(sim.requests.every((r) => r.path === '/thruk/whoami'));
  });

  it("Basic credentials go out as Authorization: Basic, and a wrong password is Thruk's 401 without the password", async () => {
    const sim = simWithUsers();
    const base = new ThrukClient({ baseUrl: BASE, apiKey: SUPER, send: fetchHandlerSend((r) => sim.fetch(r)), retries: 0 });
    const who = await base.withCredential({ kind: 'basic', user: 'alice', password: 'alice-pw' }).get<{ id: string }>('/thruk/whoami');
    assert.equal(who.id, 'alice');
    const last = sim.requests.at(-1);
    assert.equal(last?.headers['authorization'], `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`);
    assert.equal(last?.headers['x-thruk-auth-key'], undefined);
    await assert.rejects(
      base.withCredential({ kind: 'basic', user: 'alice', password: 'wrong-pw-123' }).get('/thruk/whoami'),
      (err: Error & { status?: number }) => {
        assert.equal(err.status, 401);
        assert.ok(!err.message.includes('wrong-pw-123'));
        return true;
      },
    );
  });

  it('the simulator hides unauthorized objects and refuses commands without can_submit_commands', async () => {
    const sim = simWithUsers();
    const asBob = { 'X-Thruk-Auth-Key': BOB_KEY };
    const hosts = (await restAs(sim, asBob, '/hosts?columns=name,groups')) as Array<{ name: string; groups: string[] }>;
    assert.ok(hosts.length > 0);
    for (const h of hosts) assert.ok(h.groups.includes('database-servers'), `${h.name} is not bob's`);
    const services = (await restAs(sim, asBob, '/services?columns=host_name,host_groups')) as Array<{ host_groups: string[] }>;
    for (const s of services) assert.ok(s.host_groups.includes('database-servers'));
    const who = await restAs(sim, asBob, '/thruk/whoami');
    assert.equal(who.can_submit_commands, 0);
    const res = await sim.fetch(
      new Request(`${BASE}/r/hosts/${encodeURIComponent(hosts[0]!.name)}/cmd/schedule_forced_host_check`, {
        method: 'POST',
        headers: { ...asBob, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'start_time=now',
      }),
    );
    assert.equal(res.status, 403);
  });
});

// ---------------------------------------------------------------- the HTTP surface

const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function mcpPost(headers: Record<string, string> = {}, url = 'http://localhost/mcp'): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(init),
  });
}

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

function httpConfig(env: Record<string, string>): Config {
  // Every tool, not the default selection: the matrix also drives comments and thruk_query.
  const r = loadConfig(['--demo', '--listen', '0'], { THRUK_TOOLSETS: 'all', ...env });
  if (!r.ok || r.action !== 'serve') throw new Error(`bad config: ${JSON.stringify(r)}`);
  return r.config;
}

interface Rig {
  app: HttpApp;
  sim: Simulator;
  logs: string[];
  runtime: Runtime;
  client(headers: Record<string, string>): Promise<Client>;
  close(): Promise<void>;
}

function rig(env: Record<string, string>, opts: { jwks?: ReturnType<typeof createLocalJWKSet> } = {}): Rig {
  const config = httpConfig(env);
  const logs: string[] = [];
  const log = createLogger('debug', { write: (s: string) => logs.push(s) });
  const sim = createSimulator({ apiKey: config.thruk.apiKey, users: USERS });
  const runtime = createRuntime(
    { ...config, thruk: { ...config.thruk, cacheTtlMs: 60_000 } },
    log,
    fetchHandlerSend((r) => sim.fetch(r)),
  );
  const factory = createServerFactory({ config, thruk: runtime.thruk, instances: runtime.instances, log, version: 't', tools: allTools() });
  const auth = createAuthenticator(config.http.auth, log, {
    thruk: runtime.thruk,
    ...(opts.jwks !== undefined ? { jwks: opts.jwks } : {}),
  });
  const app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'], auth }, log);
  const clients: Client[] = [];
  return {
    app,
    sim,
    logs,
    runtime,
    client: async (headers) => {
      const c = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
      await c.connect(
        new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
          fetch: (u, i) => app.fetch(new Request(u, i)),
          requestInit: { headers },
        }),
      );
      clients.push(c);
      return c;
    },
    close: async () => {
      for (const c of clients) await c.close();
      await app.close();
      await runtime.close();
    },
  };
}

const toolText = (r: any): string => (r.content ?? []).map((c: any) => c.text).join('\n');
const writeTools = ['thruk_acknowledge', 'thruk_schedule_downtime'];
const thrukHeaders = (sim: Simulator, name: string) => sim.requests.map((r) => r.headers[name]);

describe('mode 3: every caller brings its own Thruk credentials (MCP_THRUK_AUTH=caller)', () => {
  let r: Rig;
  before(() => {
    r = rig({ MCP_THRUK_AUTH: 'caller' });
  });
  after(() => r.close());

  const challenge = (error: string) =>
    `ThrukKey realm="thruk-mcp", header="X-Thruk-Auth-Key", error="${error}", Basic realm="thruk-mcp", charset="UTF-8"`;
  const refusals: Array<[string, () => Request, number, string | null, string]> = [
    ['missing credentials', () => mcpPost(), 401, challenge('invalid_request'), 'invalid_request'],
    ['malformed key', () => mcpPost({ 'x-thruk-auth-key': 'not a key!' }), 401, challenge('invalid_token'), 'invalid_token'],
    ['wrong key', () => mcpPost({ 'x-thruk-auth-key': 'nosuchkey_0' }), 401, challenge('invalid_token'), 'invalid_token'],
    ['wrong Basic password', () => mcpPost({ authorization: basic('alice', 'guess') }), 401, challenge('invalid_token'), 'invalid_token'],
    [
      'Basic without a colon',
      () => mcpPost({ authorization: `Basic ${Buffer.from('alice').toString('base64')}` }),
      401,
      challenge('invalid_token'),
      'invalid_token',
    ],
    ['a bearer token instead', () => mcpPost({ authorization: 'Bearer whatever' }), 401, challenge('invalid_request'), 'invalid_request'],
    ['foreign Host', () => mcpPost({ 'x-thruk-auth-key': ALICE_KEY }, 'http://evil.example/mcp'), 403, null, 'forbidden'],
    ['foreign Origin', () => mcpPost({ 'x-thruk-auth-key': ALICE_KEY, origin: 'https://evil.example' }), 403, null, 'forbidden'],
  ];
  for (const [name, req, status, header, error] of refusals) {
    it(`refuses: ${name} → ${status}`, async () => {
      const res = await r.app.fetch(req());
      assert.equal(res.status, status);
      assert.equal(res.headers.get('www-authenticate'), header);
      assert.equal(((await res.json()) as { error: string }).error, error);
    });
  }

  it('answers 503 with Retry-After when Thruk cannot be asked, and never caches a refusal as an acceptance', async () => {
    r.sim.injectFault({ match: '/thruk/whoami', status: 502, times: 10 });
    const res = await r.app.fetch(mcpPost({ 'x-thruk-auth-key': 'fresh_key_never_seen' }));
    r.sim.clearFaults();
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal(((await res.json()) as { error: string }).error, 'temporarily_unavailable');
    assert.equal((await r.app.fetch(mcpPost({ 'x-thruk-auth-key': 'fresh_key_never_seen' }))).status, 401);
  });

  it("two callers never see each other's data, cached or not; Thruk's permissions decide the write tools", async () => {
    const alice = await r.client({ 'x-thruk-auth-key': ALICE_KEY });
    const bob = await r.client({ 'x-thruk-auth-key': BOB_KEY });
    const truthA = await restAs(r.sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts/totals');
    const truthB = await restAs(r.sim, { 'X-Thruk-Auth-Key': BOB_KEY }, '/hosts/totals');
    assert.notEqual(truthA.total, truthB.total);
    // Interleaved and repeated: the second round is served from the cache, each from its own part.
    for (let round = 0; round < 2; round++) {
      const [a, b] = await Promise.all([
        alice.callTool({ name: 'thruk_totals', arguments: {} }),
        bob.callTool({ name: 'thruk_totals', arguments: {} }),
      ]);
      assert.equal((a.structuredContent as any).hosts.total, truthA.total, `round ${round}: ${toolText(a)}`);
      assert.equal((b.structuredContent as any).hosts.total, truthB.total, `round ${round}: ${toolText(b)}`);
    }
    const aHosts = (await alice.callTool({ name: 'thruk_list_hosts', arguments: { limit: 100 } })).structuredContent as any;
    const bHosts = (await bob.callTool({ name: 'thruk_list_hosts', arguments: { limit: 100 } })).structuredContent as any;
    const names = (x: any): string[] => x.rows?.map((h: any) => h.name) ?? x.hosts?.map((h: any) => h.name) ?? [];
    assert.ok(names(aHosts).length > 0 && names(bHosts).length > 0, JSON.stringify(aHosts).slice(0, 200));
    assert.deepEqual(
      names(aHosts).filter((n) => names(bHosts).includes(n)),
      [],
      'no host is visible to both',
    );

    // Completions are per caller too.
    const ref = { type: 'ref/resource' as const, uri: 'thruk://hosts/{name}' };
    const aDone = (await alice.complete({ ref, argument: { name: 'name', value: '' } })).completion.values;
    const bDone = (await bob.complete({ ref, argument: { name: 'name', value: '' } })).completion.values;
    assert.deepEqual(aDone, [...names(aHosts)].sort());
    assert.deepEqual(bDone, [...names(bHosts)].sort());

    // Alice may submit commands, Bob may not (Thruk's whoami says so): Bob gets the read-only view.
    const aTools = (await alice.listTools()).tools.map((t) => t.name);
    const bTools = (await bob.listTools()).tools.map((t) => t.name);
    for (const w of writeTools) {
      assert.ok(aTools.includes(w));
      assert.ok(!bTools.includes(w));
    }
    assert.ok(!thrukHeaders(r.sim, 'x-thruk-auth-key').includes('demo'), 'the configured key was never used for a caller');
  });

  it("Basic credentials work too; a caller's X-Thruk-Auth-User never reaches Thruk", async () => {
    const c = await r.client({ authorization: basic('alice', 'alice-pw'), 'x-thruk-auth-user': 'admin' });
    const res = await c.callTool({ name: 'thruk_totals', arguments: {} });
    const truth = await restAs(r.sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts/totals');
    assert.equal((res.structuredContent as any).hosts.total, truth.total);
    assert.ok(!thrukHeaders(r.sim, 'x-thruk-auth-user').includes('admin'));
  });

  it('a write runs as the caller: Thruk user as author and in the audit line', async () => {
    const alice = await r.client({ 'x-thruk-auth-key': ALICE_KEY });
    const visible = (await restAs(r.sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts?columns=name,state,acknowledged')) as Array<{
      name: string;
      state: number;
      acknowledged: number;
    }>;
    const host = visible.find((h) => h.state !== 0 && h.acknowledged === 0)?.name ?? visible[0]!.name;
    const res = await alice.callTool({ name: 'thruk_add_comment', arguments: { host, comment: 'looked at it' } });
    assert.notEqual(res.isError, true, toolText(res));
    const cmd = r.sim.requests.filter((q) => q.path.includes('/cmd')).at(-1);
    assert.ok(
      cmd?.params.some(([k, v]) => k === 'comment_author' && v === 'alice'),
      JSON.stringify(cmd?.params),
    );
    assert.equal(cmd?.headers['x-thruk-auth-key'], ALICE_KEY);
    const audit = r.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.audit === true && l.phase !== 'intent')
      .at(-1);
    assert.equal(audit.user, 'alice');
    assert.equal(audit.caller, 'thruk:alice');
  });

  it("never logs a caller's key or password", () => {
    const all = r.logs.join('\n');
    for (const secret of [ALICE_KEY, BOB_KEY, 'alice-pw', 'nosuchkey_0', Buffer.from('alice:alice-pw').toString('base64')])
      assert.ok(!all.includes(secret), `${secret} logged`);
  });
});

describe('mode 3 behind bearer tokens: both are needed, the bearer token never reaches Thruk', () => {
  let r: Rig;
  before(() => {
    r = rig({ MCP_THRUK_AUTH: 'caller', MCP_HTTP_TOKENS: 'ops-bearer-tok:write,viewer-bearer-tok:read' });
  });
  after(() => r.close());

  it('refuses a missing bearer (Bearer challenge) and a missing Thruk key (ThrukKey challenge, no Basic)', async () => {
    const noBearer = await r.app.fetch(mcpPost({ 'x-thruk-auth-key': ALICE_KEY }));
    assert.equal(noBearer.status, 401);
    assert.match(noBearer.headers.get('www-authenticate') ?? '', /^Bearer /);
    const noKey = await r.app.fetch(mcpPost({ authorization: 'Bearer ops-bearer-tok' }));
    assert.equal(noKey.status, 401);
    assert.equal(noKey.headers.get('www-authenticate'), 'ThrukKey realm="thruk-mcp", header="X-Thruk-Auth-Key", error="invalid_request"');
    const wrongKey = await r.app.fetch(mcpPost({ authorization: 'Bearer ops-bearer-tok', 'x-thruk-auth-key': 'nosuchkey_0' }));
    assert.equal(wrongKey.status, 401);
  });

  it("the token's scope still limits the tools, and Thruk sees only the caller's key", async () => {
    const viewer = await r.client({ authorization: 'Bearer viewer-bearer-tok', 'x-thruk-auth-key': ALICE_KEY });
    const names = (await viewer.listTools()).tools.map((t) => t.name);
    for (const w of writeTools) assert.ok(!names.includes(w));
    const res = await viewer.callTool({ name: 'thruk_totals', arguments: {} });
    assert.equal(
      (res.structuredContent as any).hosts.total,
      (await restAs(r.sim, { 'X-Thruk-Auth-Key': ALICE_KEY }, '/hosts/totals')).total,
    );
    const seen = JSON.stringify(r.sim.requests.map((q) => q.headers));
    assert.ok(!seen.includes('bearer-tok'), 'a bearer token reached Thruk');
    assert.ok(!thrukHeaders(r.sim, 'authorization').some((v) => v !== undefined));
  });
});

describe('mode 4: impersonation of the verified identity (MCP_THRUK_AUTH=impersonate)', () => {
  let r: Rig;
  let sign: (claims: JWTPayload) => Promise<string>;
  const ISSUER = 'https://issuer.example.com';
  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const now = Math.floor(Date.now() / 1000);
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience('https://mcp.example.com/mcp')
        .setIssuedAt(now - 10)
        .setExpirationTime(now + 600)
        .sign(privateKey);
    r = rig(
      {
        MCP_THRUK_AUTH: 'impersonate',
        MCP_THRUK_USER_CLAIM: 'preferred_username',
        MCP_HTTP_TOKENS: 'carol-tok:write@carol,anon-tok:read',
        MCP_PUBLIC_URL: 'https://mcp.example.com',
        MCP_OAUTH_JWKS_URL: 'https://idp.example.com/jwks',
        MCP_OAUTH_ISSUER: ISSUER,
      },
      { jwks: createLocalJWKSet({ keys: [jwk] }) },
    );
  });
  after(() => r.close());

  async function lastUserAfter(headers: Record<string, string>): Promise<{ user: string | undefined; key: string | undefined }> {
    const c = await r.client(headers);
    const res = await c.callTool({ name: 'thruk_totals', arguments: {} });
    assert.notEqual(res.isError, true, toolText(res));
    const last = r.sim.requests.at(-1)!;
    return { user: last.headers['x-thruk-auth-user'], key: last.headers['x-thruk-auth-key'] };
  }

  it('a static token acts as its configured user, whatever X-Thruk-Auth-User or X-Thruk-Auth-Key the request carries', async () => {
    assert.deepEqual(
      await lastUserAfter({ authorization: 'Bearer carol-tok', 'x-thruk-auth-user': 'admin', 'x-thruk-auth-key': BOB_KEY }),
      { user: 'carol', key: 'demo' },
    );
  });

  it('a JWT acts as its verified claim', async () => {
    assert.deepEqual(
      await lastUserAfter({ authorization: `Bearer ${await sign({ sub: 'u-1', preferred_username: 'dave', scope: 'thruk:read' })}` }),
      { user: 'dave', key: 'demo' },
    );
  });

  it('refuses an identity without a Thruk user with 403, and answers no bearer with 401', async () => {
    for (const headers of [
      { authorization: 'Bearer anon-tok' },
      { authorization: `Bearer ${await sign({ sub: 'u-2', scope: 'thruk:read' })}` },
    ]) {
      const res = await r.app.fetch(mcpPost(headers));
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('www-authenticate'), null);
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'access_denied');
      assert.match(body.error_description, /names no Thruk user.*'preferred_username' claim/);
    }
    const none = await r.app.fetch(mcpPost({ 'x-thruk-auth-user': 'admin' }));
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });

  it('per-user cache: two impersonated users never share an answer', async () => {
    const c1 = await r.client({ authorization: 'Bearer carol-tok' });
    const c2 = await r.client({ authorization: `Bearer ${await sign({ sub: 'u-3', preferred_username: 'erin', scope: 'thruk:read' })}` });
    const w1 = await c1.callTool({ name: 'thruk_query', arguments: { path: '/thruk/whoami' } });
    const w2 = await c2.callTool({ name: 'thruk_query', arguments: { path: '/thruk/whoami' } });
    assert.match(toolText(w1), /carol/);
    assert.match(toolText(w2), /erin/);
    assert.doesNotMatch(toolText(w2), /carol/);
  });
});

describe('fail closed and configuration of modes 3 and 4', () => {
  it('a request that reached the server without a verified Thruk identity acts as nobody', async () => {
    const config = httpConfig({ MCP_THRUK_AUTH: 'caller' });
    const log = createLogger('silent');
    const sim = simWithUsers();
    const runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((q) => sim.fetch(q)),
    );
    const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: 't', tools: allTools() });
    // No authenticator: as if a deployment wired the handler without the gate.
    const app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'] }, log);
    const c = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await c.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (u, i) => app.fetch(new Request(u, i)) }));
    const before = sim.requests.length;
    const res = await c.callTool({ name: 'thruk_totals', arguments: {} });
    assert.equal(res.isError, true);
    assert.match(toolText(res), /no verified Thruk identity; nothing was done/);
    assert.equal(sim.requests.length, before);
    await c.close();
    await app.close();
  });

  it("/readyz without a configured key (callers bring theirs) counts Thruk's refusal as up, not an outage", async () => {
    const sim = simWithUsers();
    const send = fetchHandlerSend((q) => sim.fetch(q));
    const keyless = loadConfig(['--listen', '0'], { MCP_THRUK_AUTH: 'caller', THRUK_BASE_URL: BASE });
    assert.ok(keyless.ok && keyless.action === 'serve');
    const up = createRuntime(keyless.config, createLogger('silent'), send);
    await readinessProbe(up)(AbortSignal.timeout(5000));
    // With a configured key, a refusal is a real problem (the key is wrong).
    const wrong = loadConfig(['--listen', '0'], { MCP_THRUK_AUTH: 'caller', THRUK_BASE_URL: BASE, THRUK_API_KEY: 'wrong_key' });
    assert.ok(wrong.ok && wrong.action === 'serve');
    await assert.rejects(readinessProbe(createRuntime(wrong.config, createLogger('silent'), send))(AbortSignal.timeout(5000)), {
      status: 403,
    });
    sim.injectFault({ match: '/thruk', status: 503, times: 10 });
    await assert.rejects(readinessProbe(up)(AbortSignal.timeout(5000)));
  });

  it('reports every problem at once', () => {
    const problems = (argv: string[], env: Record<string, string>) => {
      const r = loadConfig(argv, env);
      return r.ok ? [] : r.issues;
    };
    assert.deepEqual(
      problems(['--demo', '--listen', '0'], {
        MCP_THRUK_AUTH: 'nobody',
        MCP_THRUK_USER_CLAIM: 'bad claim',
        MCP_HTTP_TOKENS: 'a-tok:read@ann',
      }),
      [
        "MCP_THRUK_AUTH: expected service, caller or impersonate, got 'nobody'",
        'MCP_THRUK_USER_CLAIM: expected a claim name such as sub, preferred_username or email',
        'MCP_THRUK_USER_CLAIM: has no effect without MCP_THRUK_AUTH=impersonate',
        'MCP_HTTP_TOKENS: entry 1 names a Thruk user, which only takes effect with MCP_THRUK_AUTH=impersonate',
      ],
    );
    assert.deepEqual(problems(['--demo', '--listen', '0'], { MCP_THRUK_AUTH: 'impersonate', MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true' }), [
      'MCP_THRUK_AUTH: impersonate needs verified callers: configure MCP_HTTP_TOKENS (TOKEN:scope@user) or OAuth (MCP_OAUTH_JWKS_URL + MCP_OAUTH_ISSUER)',
    ]);
    assert.deepEqual(
      problems(['--demo', '--listen', '0'], { MCP_HTTP_TOKENS: 'a-tok:write@', MCP_THRUK_AUTH: 'impersonate' }).map((i) => i.split(':')[0]),
      ['MCP_HTTP_TOKENS', 'MCP_THRUK_AUTH', 'MCP_HTTP_TOKEN'],
    );
    // Callers' own keys are authentication enough, and no service key is needed for them.
    const c = loadConfig(['--listen', '0'], { MCP_THRUK_AUTH: 'caller', THRUK_BASE_URL: 'https://mon.example.com/thruk' });
    assert.ok(c.ok && c.action === 'serve' && c.config.thruk.apiKey === '' && c.config.http.auth.thrukAuth === 'caller');
    const t = loadConfig(['--demo', '--listen', '0'], { MCP_THRUK_AUTH: 'impersonate', MCP_HTTP_TOKENS: 'x-tok:write@ann@example.com' });
    assert.ok(t.ok && t.action === 'serve');
    assert.deepEqual(t.config.http.auth.tokens, [{ token: 'x-tok', write: true, label: 'token-1', thrukUser: 'ann@example.com' }]);
  });

  it('a sealed credential shows [redacted] to JSON, util.inspect and pino', () => {
    const sealed = new Sealed({ kind: 'key', key: 'very_secret_1' });
    const lines: string[] = [];
    createLogger('info', { write: (s: string) => lines.push(s) }).info({ extra: { thrukCaller: { credential: sealed } } }, 'x');
    for (const out of [JSON.stringify({ sealed }), inspect({ sealed }), lines.join('')]) {
      assert.ok(!out.includes('very_secret_1'), out);
      assert.ok(out.includes('[redacted]'), out);
    }
    assert.equal(sealed.open().key, 'very_secret_1');
  });
});

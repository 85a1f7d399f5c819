import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { loadConfig, type Config } from '../src/config/config.js';
import { parseTokens } from '../src/config/http.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { allTools } from '../src/tools/core/registry.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { createHttpApp, type HttpApp } from '../src/transports/http.js';

const ISSUER = 'https://issuer.example.com';
const RESOURCE = 'https://mcp.example.com/mcp';
const META = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

const challenge = (error: string, description: string) =>
  `Bearer error="${error}", error_description="${description}", scope="thruk:read", resource_metadata="${META}"`;

function post(headers: Record<string, string> = {}, url = 'http://localhost/mcp'): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(init),
  });
}

function httpConfig(env: Record<string, string>): Config {
  const r = loadConfig(['--demo', '--listen', '0'], env);
  if (!r.ok || r.action !== 'serve') throw new Error(`bad config: ${JSON.stringify(r)}`);
  return r.config;
}

describe('HTTP auth: static tokens and OAuth resource server', () => {
  let jwksServer: Server;
  let jwksUrl = '';
  let sign: (claims: JWTPayload, opts?: { exp?: number; aud?: string; iss?: string }) => Promise<string>;
  let hsToken = '';
  let app: HttpApp;
  let close: () => Promise<void>;
  const logs: string[] = [];

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwksServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', () => r()));
    const addr = jwksServer.address();
    jwksUrl = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/jwks`;
    const now = Math.floor(Date.now() / 1000);
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(o.iss ?? ISSUER)
        .setAudience(o.aud ?? RESOURCE)
        .setIssuedAt(now - 10)
        .setExpirationTime(o.exp ?? now + 600)
        .sign(privateKey);
    hsToken = await new SignJWT({ sub: 'alice', scope: 'thruk:read thruk:write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(RESOURCE)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('x'.repeat(32)));

    const config = httpConfig({
      MCP_HTTP_TOKENS: 'alice-static-tok:read,ops-static-tok:write',
      MCP_PUBLIC_URL: 'https://mcp.example.com',
      MCP_OAUTH_JWKS_URL: jwksUrl,
      MCP_OAUTH_ISSUER: ISSUER,
      MCP_OAUTH_REQUIRED_SCOPES: 'thruk:read',
      MCP_OAUTH_ALLOWED_SUBJECTS: 'alice,Bob@Example.com',
    });
    const log = createLogger('debug', { write: (s: string) => logs.push(s) });
    const sim = createSimulator({ apiKey: config.thruk.apiKey });
    const runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((r) => sim.fetch(r)),
    );
    const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: 't', tools: allTools() });
    app = createHttpApp(factory, { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(config.http.auth, log) }, log);
    close = async () => {
      await app.close();
      await runtime.close();
      await new Promise<void>((r) => jwksServer.close(() => r()));
    };
  });
  after(() => close());

  const refusals: Array<[string, () => Request | Promise<Request>, number, string | null]> = [
    ['missing token', () => post(), 401, challenge('invalid_token', 'Missing Authorization header')],
    [
      'wrong static token',
      () => post({ authorization: 'Bearer nope' }),
      401,
      challenge('invalid_token', 'The bearer token is not valid for this server'),
    ],
    [
      'expired JWT',
      async () =>
        post({
          authorization: `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { exp: Math.floor(Date.now() / 1000) - 3600 })}`,
        }),
      401,
      challenge('invalid_token', 'Token has expired'),
    ],
    [
      'wrong audience',
      async () =>
        post({ authorization: `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { aud: 'https://other.example.com/mcp' })}` }),
      401,
      challenge('invalid_token', 'Token was not issued for this resource'),
    ],
    [
      'wrong issuer',
      async () =>
        post({ authorization: `Bearer ${await sign({ sub: 'alice', scope: 'thruk:read' }, { iss: 'https://evil.example.com' })}` }),
      401,
      challenge('invalid_token', 'Token issuer is not trusted'),
    ],
    ['symmetric (HS256) JWT', () => post({ authorization: `Bearer ${hsToken}` }), 401, challenge('invalid_token', 'Token is invalid')],
    [
      'wrong scope',
      async () => post({ authorization: `Bearer ${await sign({ sub: 'alice', scope: 'openid' })}` }),
      403,
      challenge('insufficient_scope', 'Insufficient scope'),
    ],
    [
      'subject not allowed',
      async () => post({ authorization: `Bearer ${await sign({ sub: 'mallory', email: 'mallory@example.com', scope: 'thruk:read' })}` }),
      403,
      null,
    ],
    ['foreign Host', () => post({ authorization: 'Bearer ops-static-tok' }, 'http://evil.example/mcp'), 403, null],
    ['foreign Origin', () => post({ authorization: 'Bearer ops-static-tok', origin: 'https://evil.example' }), 403, null],
  ];
  for (const [name, req, status, header] of refusals) {
    it(`refuses: ${name} → ${status}`, async () => {
      const res = await app.fetch(await req());
      assert.equal(res.status, status);
      assert.equal(res.headers.get('www-authenticate'), header);
      const body = (await res.json()) as { error: string };
      const expected =
        status === 401
          ? 'invalid_token'
          : name === 'wrong scope'
            ? 'insufficient_scope'
            : name === 'subject not allowed'
              ? 'access_denied'
              : 'forbidden';
      assert.equal(body.error, expected);
    });
  }

  it('serves the RFC 9728 metadata document at both well-known paths, without auth', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await app.fetch(new Request(`http://localhost${path}`));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await res.json(), {
        resource: RESOURCE,
        authorization_servers: [ISSUER],
        scopes_supported: ['thruk:read', 'thruk:write'],
        bearer_methods_supported: ['header'],
        resource_name: 'thruk-mcp',
      });
    }
    assert.equal((await app.fetch(new Request('http://localhost/.well-known/oauth-protected-resource', { method: 'POST' }))).status, 405);
  });

  async function connect(token: string): Promise<Client> {
    const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, i) => app.fetch(new Request(u, i)),
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    return client;
  }

  const writeTools = ['thruk_acknowledge', 'thruk_schedule_downtime', 'thruk_delete_downtime'];

  async function assertReadOnlyCaller(client: Client): Promise<void> {
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('thruk_problems'));
    for (const w of writeTools) assert.ok(!names.includes(w), `${w} listed for a read-scoped caller`);
    const r = await client.callTool({ name: 'thruk_acknowledge', arguments: { host: 'web-01', comment: 'x' } });
    assert.equal(r.isError, true);
    const text = (r.content as Array<{ text: string }>)[0]?.text ?? '';
    assert.match(text, /thruk_acknowledge changes monitoring state and needs the 'thruk:write' scope/);
    const ok = await client.callTool({ name: 'thruk_problem_counts', arguments: {} });
    assert.equal(ok.isError, undefined);
  }

  it('a read-scoped static token sees no write tools and is refused by name', async () => {
    const client = await connect('alice-static-tok');
    await assertReadOnlyCaller(client);
    await client.close();
  });

  it('a write-scoped static token sees the write tools', async () => {
    const client = await connect('ops-static-tok');
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const w of writeTools) assert.ok(names.includes(w));
    await client.close();
  });

  it('a good JWT (from the remote JWKS) with read scope only is a read-only caller', async () => {
    const client = await connect(await sign({ sub: 'alice', scope: 'thruk:read' }));
    await assertReadOnlyCaller(client);
    await client.close();
  });

  it('a good JWT with the write scope (scp array, allowlisted by email) sees the write tools', async () => {
    const client = await connect(
      await sign({ sub: 'u-42', email: 'bob@example.com', scp: ['thruk:read', 'thruk:write'], client_id: 'claude' }),
    );
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const w of writeTools) assert.ok(names.includes(w));
    await client.close();
  });

  it('never logs a token', () => {
    const all = logs.join('\n');
    for (const secret of ['alice-static-tok', 'ops-static-tok', hsToken]) assert.ok(!all.includes(secret));
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(all), 'a JWT appeared in the logs');
  });
});

describe('HTTP auth configuration', () => {
  const base = { MCP_HTTP_ALLOW_UNAUTHENTICATED: 'false' };
  const problems = (env: Record<string, string>) => {
    const r = loadConfig(['--demo', '--listen', '0'], { ...base, ...env });
    return r.ok ? [] : r.issues;
  };

  it('parses scoped tokens and reports bad entries by position, never by value', () => {
    const issues: string[] = [];
    assert.deepEqual(parseTokens('a-tok:read, b-tok:write ,c:tok:rw', issues), [
      { token: 'a-tok', write: false, label: 'token-1' },
      { token: 'b-tok', write: true, label: 'token-2' },
      { token: 'c:tok', write: true, label: 'token-3' },
    ]);
    assert.deepEqual(issues, []);
    const bad = problems({ MCP_HTTP_TOKENS: 'secret-one,secret-two:admin,secret-two:read,secret-two:read' });
    assert.deepEqual(bad, [
      'MCP_HTTP_TOKENS: entry 1 must look like TOKEN:read or TOKEN:write',
      "MCP_HTTP_TOKENS: entry 2 has scope 'admin'; use read or write",
      'MCP_HTTP_TOKENS: entry 4 repeats an earlier token',
    ]);
  });

  it('reports every OAuth problem at once', () => {
    const bad = problems({ MCP_OAUTH_JWKS_URL: 'http://idp.example.com/jwks', MCP_OAUTH_REQUIRED_SCOPES: 'x', MCP_METRICS_PORT: 'nine' });
    assert.deepEqual(
      bad.map((i) => i.split(':')[0]),
      ['MCP_OAUTH_ISSUER', 'MCP_OAUTH_JWKS_URL', 'MCP_OAUTH_AUDIENCE', 'MCP_METRICS_PORT', 'MCP_HTTP_TOKEN'],
    );
    assert.deepEqual(
      problems({ MCP_OAUTH_AUDIENCE: 'x' }).map((i) => i.split(':')[0]),
      ['MCP_OAUTH_AUDIENCE', 'MCP_HTTP_TOKEN'],
    );
  });

  it('derives the audience from MCP_PUBLIC_URL and keeps MCP_HTTP_TOKEN as a write token', () => {
    const c = httpConfig({
      MCP_HTTP_TOKEN: 'legacy',
      MCP_PUBLIC_URL: 'https://mcp.example.com/',
      MCP_OAUTH_JWKS_URL: 'https://idp.example.com/jwks',
      MCP_OAUTH_ISSUER: ISSUER,
    });
    assert.equal(c.http.auth.oauth?.audience, RESOURCE);
    assert.deepEqual(c.http.auth.oauth?.authorizationServers, [ISSUER]);
    assert.deepEqual(c.http.auth.tokens, [{ token: 'legacy', write: true, label: 'MCP_HTTP_TOKEN' }]);
    assert.equal(c.http.auth.writeScope, 'thruk:write');
  });
});

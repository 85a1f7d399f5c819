/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../src/config/config.js';
import { DEFAULT_MAX_BODY_BYTES, parseRateLimit } from '../src/config/http.js';
import { createLogger } from '../src/server/log.js';
import { createMetrics } from '../src/transports/metrics.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { createHttpApp, startHttp, type HttpApp, type HttpAppOptions } from '../src/transports/http.js';
import { clientAddress, proxyTrust, viaTls } from '../src/transports/proxy.js';
import { createRateLimiter, takeToken } from '../src/transports/ratelimit.js';
import { requestIdOf } from '../src/transports/request.js';
import { httpStartup } from '../src/transports/startup.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TLS_CERT = fileURLToPath(new URL('./fixtures/tls/cert.pem', import.meta.url));
const TLS_KEY = fileURLToPath(new URL('./fixtures/tls/key.pem', import.meta.url));
const READ_TOK = 'limits-read-tok-9f2';
const WRITE_TOK = 'limits-write-tok-7c1';
const THRUK_KEY = 'Limits_Thruk_Key_42';
const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function issuesOf(argv: string[], env: Record<string, string>): string[] {
  const r = loadConfig(argv, env);
  return r.ok ? [] : r.issues;
}

function httpConfig(env: Record<string, string>, argv: string[] = []): Config {
  const r = loadConfig(['--demo', '--listen', '0', ...argv], env);
  if (!r.ok || r.action !== 'serve') throw new Error(`bad config: ${JSON.stringify(r)}`);
  return r.config;
}

function post(headers: Record<string, string> = {}, body: string = JSON.stringify(init)): Request {
  return new Request('http://localhost/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function until0(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached within 2 s');
}

describe('HTTP ops configuration', () => {
  it('parses MCP_RATE_LIMIT as N per second/minute/hour, off or 0 disables, and names bad values', () => {
    const issues: string[] = [];
    assert.deepEqual(parseRateLimit('120/min', issues), { capacity: 120, periodMs: 60_000, label: '120/min' });
    assert.deepEqual(parseRateLimit('5/sec', issues), { capacity: 5, periodMs: 1000, label: '5/sec' });
    assert.deepEqual(parseRateLimit('1000 / hour', issues), { capacity: 1000, periodMs: 3_600_000, label: '1000/hour' });
    assert.equal(parseRateLimit('off', issues), undefined);
    assert.equal(parseRateLimit('0', issues), undefined);
    assert.deepEqual(issues, []);
    for (const bad of ['lots', '10/fortnight', '-1/min', '0/min', '1.5/sec']) {
      const found: string[] = [];
      parseRateLimit(bad, found);
      assert.equal(found.length, 1, bad);
      assert.match(found[0] ?? '', /^MCP_RATE_LIMIT: expected N\/sec, N\/min or N\/hour/);
    }
  });

  it('defaults to 300/min, 1 MiB bodies, no trusted proxy and a 10 s shutdown deadline', () => {
    const ops = httpConfig({ MCP_HTTP_TOKEN: 't' }).http.ops;
    assert.deepEqual(ops.rateLimit, { capacity: 300, periodMs: 60_000, label: '300/min' });
    assert.equal(ops.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    assert.equal(ops.maxBodyBytes, 1_048_576);
    assert.equal(ops.trustProxy, undefined);
    assert.equal(ops.tls, undefined);
    assert.equal(ops.allowInsecureHttp, false);
    assert.equal(ops.shutdownTimeoutMs, 10_000);
    const set = httpConfig({
      MCP_HTTP_TOKEN: 't',
      MCP_RATE_LIMIT: 'off',
      MCP_MAX_BODY_BYTES: '4096',
      MCP_SHUTDOWN_TIMEOUT: '2.5',
      MCP_TRUST_PROXY: '10.0.0.0/8, loopback',
    }).http.ops;
    assert.equal(set.rateLimit, undefined);
    assert.equal(set.maxBodyBytes, 4096);
    assert.equal(set.shutdownTimeoutMs, 2500);
    assert.deepEqual(set.trustProxy, ['10.0.0.0/8', 'loopback']);
  });

  it('refuses plain HTTP on a non-loopback bind, naming the three ways out', () => {
    const base = { THRUK_BASE_URL: 'https://mon.example.com/thruk', THRUK_API_KEY: 'k', MCP_HTTP_TOKEN: 's3cret' };
    const refused = issuesOf(['--listen', '8080', '--host', '0.0.0.0'], base);
    assert.equal(refused.length, 1);
    assert.match(refused[0] ?? '', /^--host: refusing plain HTTP on the non-loopback address 0\.0\.0\.0/);
    for (const name of ['MCP_TLS_CERT', 'MCP_TRUST_PROXY', 'MCP_ALLOW_INSECURE_HTTP']) assert.ok(refused[0]?.includes(name), name);
    assert.ok(!refused[0]?.includes('s3cret'));
    assert.deepEqual(issuesOf(['--listen', '8080', '--host', '0.0.0.0'], { ...base, MCP_TLS_CERT: '/c.pem', MCP_TLS_KEY: '/k.pem' }), []);
    assert.deepEqual(issuesOf(['--listen', '8080', '--host', '0.0.0.0'], { ...base, MCP_TRUST_PROXY: 'private' }), []);
    assert.deepEqual(issuesOf(['--listen', '8080', '--host', '0.0.0.0'], { ...base, MCP_ALLOW_INSECURE_HTTP: 'true' }), []);
    // Loopback and stdio need none of it.
    assert.deepEqual(issuesOf(['--listen', '8080'], base), []);
    assert.deepEqual(issuesOf(['--listen', '8080', '--host', '::1'], base), []);
    assert.deepEqual(issuesOf(['--host', '0.0.0.0'], base), []);
  });

  it('fails closed on a vague or broken proxy trust, half a TLS pair and bad numbers', () => {
    const base = { THRUK_BASE_URL: 'https://mon.example.com/thruk', THRUK_API_KEY: 'k', MCP_HTTP_TOKEN: 't' };
    const argv = ['--listen', '8080'];
    assert.match(issuesOf(argv, { ...base, MCP_TRUST_PROXY: 'true' })[0] ?? '', /^MCP_TRUST_PROXY: list the proxies' addresses/);
    assert.match(issuesOf(argv, { ...base, MCP_TRUST_PROXY: '*' })[0] ?? '', /not true or \*/);
    assert.match(
      issuesOf(argv, { ...base, MCP_TRUST_PROXY: '10.0.0.0/33,proxy.local' })[0] ?? '',
      /'10\.0\.0\.0\/33' has a bad prefix length; 'proxy\.local' is not an IP address/,
    );
    assert.match(issuesOf(argv, { ...base, MCP_TLS_CERT: '/c.pem' })[0] ?? '', /^MCP_TLS_KEY: required with MCP_TLS_CERT/);
    assert.match(issuesOf(argv, { ...base, MCP_MAX_BODY_BYTES: '12' })[0] ?? '', /^MCP_MAX_BODY_BYTES: expected a whole number of bytes/);
    assert.match(issuesOf(argv, { ...base, MCP_SHUTDOWN_TIMEOUT: 'soon' })[0] ?? '', /^MCP_SHUTDOWN_TIMEOUT: expected seconds/);
    assert.match(issuesOf(argv, { ...base, MCP_ALLOW_INSECURE_HTTP: 'maybe' })[0] ?? '', /^MCP_ALLOW_INSECURE_HTTP: expected true\/false/);
  });

  it('the built binary exits 2 with the TLS refusal before it binds anything', () => {
    const r = spawnSync(process.execPath, [cli, '--demo', '--listen', '0', '--host', '0.0.0.0'], {
      env: { PATH: process.env.PATH ?? '', MCP_HTTP_TOKEN: 'bin-tok-1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /configuration problems:\n {2}- --host: refusing plain HTTP/);
    assert.equal(r.stdout, '');
  });

  it('reads the native TLS files at start-up and reports an unreadable one as a configuration problem', () => {
    const log = createLogger('silent');
    const ok = httpStartup(httpConfig({ MCP_HTTP_TOKEN: 't', MCP_TLS_CERT: TLS_CERT, MCP_TLS_KEY: TLS_KEY }), log);
    assert.ok(typeof ok !== 'string' && ok.tls !== undefined && ok.tls.cert.toString().includes('BEGIN CERTIFICATE'));
    const missing = httpStartup(httpConfig({ MCP_HTTP_TOKEN: 't', MCP_TLS_CERT: '/nonexistent/cert.pem', MCP_TLS_KEY: TLS_KEY }), log);
    assert.ok(typeof missing === 'string');
    assert.match(missing, /^MCP_TLS_CERT\/MCP_TLS_KEY: cannot read .*\(ENOENT\)/);
  });

  it('warns once when plain HTTP off loopback was explicitly allowed', () => {
    const lines: string[] = [];
    const r = httpStartup(
      httpConfig({ MCP_HTTP_TOKEN: 't', MCP_ALLOW_INSECURE_HTTP: 'true' }, ['--host', '0.0.0.0']),
      createLogger('info', { write: (s: string) => lines.push(s) }),
    );
    assert.ok(typeof r !== 'string' && r.tls === undefined);
    const warn = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    assert.equal(warn.length, 1);
    assert.match(warn[0].msg, /MCP_ALLOW_INSECURE_HTTP=true: serving plain HTTP off loopback/);
  });
});

describe('token bucket', () => {
  it('allows a burst of N, then refills N per period, with Retry-After until the next whole token', () => {
    const limit = { capacity: 3, periodMs: 3000 };
    const b = { tokens: 3, at: 0 };
    assert.deepEqual(
      [takeToken(b, 0, limit), takeToken(b, 0, limit), takeToken(b, 0, limit)].map((t) => t.ok),
      [true, true, true],
    );
    assert.deepEqual(takeToken(b, 0, limit), { ok: false, retryAfterS: 1 });
    assert.deepEqual(takeToken(b, 500, limit), { ok: false, retryAfterS: 1 });
    assert.equal(takeToken(b, 1000, limit).ok, true);
    assert.equal(takeToken(b, 1000, limit).ok, false);
    // A long pause refills to the burst size, never beyond.
    assert.equal([0, 0, 0, 0].map(() => takeToken(b, 60_000, limit)).filter((t) => t.ok).length, 3);
    const slow = { tokens: 0, at: 0 };
    assert.deepEqual(takeToken(slow, 0, { capacity: 2, periodMs: 3_600_000 }), { ok: false, retryAfterS: 1800 });
  });

  it('keeps one bucket per caller key', () => {
    let t = 0;
    const rl = createRateLimiter({ capacity: 2, periodMs: 60_000, label: '2/min' }, { now: () => t });
    assert.deepEqual(
      ['a', 'a', 'a'].map((k) => rl.take(k).ok),
      [true, true, false],
    );
    assert.equal(rl.take('b').ok, true);
    t = 30_000;
    assert.equal(rl.take('a').ok, true);
    assert.equal(rl.take('a').ok, false);
  });
});

describe('proxy trust', () => {
  const trust = proxyTrust(['10.0.0.0/8', 'loopback', '2001:db8::1']);

  it('matches addresses, CIDRs, IPv4-mapped IPv6 peers and the loopback word', () => {
    assert.equal(trust.trusts('10.9.8.7'), true);
    assert.equal(trust.trusts('::ffff:10.9.8.7'), true);
    assert.equal(trust.trusts('127.0.0.1'), true);
    assert.equal(trust.trusts('::1'), true);
    assert.equal(trust.trusts('2001:db8::1'), true);
    assert.equal(trust.trusts('11.0.0.1'), false);
    assert.equal(trust.trusts('192.168.1.1'), false);
    assert.equal(trust.trusts(undefined), false);
    assert.equal(proxyTrust(['private']).trusts('172.20.1.1'), true);
  });

  it('takes the client address from X-Forwarded-For only via a trusted proxy, right-most untrusted hop first', () => {
    assert.equal(clientAddress({ remoteAddress: '10.0.0.5' }, '1.1.1.1, 203.0.113.9', trust), '203.0.113.9');
    assert.equal(clientAddress({ remoteAddress: '10.0.0.5' }, '203.0.113.9, 10.0.0.7', trust), '203.0.113.9');
    assert.equal(clientAddress({ remoteAddress: '198.51.100.1' }, '203.0.113.9', trust), '198.51.100.1');
    assert.equal(clientAddress({ remoteAddress: '10.0.0.5' }, null, trust), '10.0.0.5');
    assert.equal(clientAddress({ remoteAddress: '10.0.0.5' }, '203.0.113.9', undefined), '10.0.0.5');
  });

  it('counts a request as TLS only natively or when a trusted proxy says every hop was https', () => {
    assert.equal(viaTls({ encrypted: true }, null, undefined), true);
    assert.equal(viaTls({ remoteAddress: '10.0.0.5' }, 'https', trust), true);
    assert.equal(viaTls({ remoteAddress: '10.0.0.5' }, 'HTTPS', trust), true);
    assert.equal(viaTls({ remoteAddress: '10.0.0.5' }, 'http', trust), false);
    assert.equal(viaTls({ remoteAddress: '10.0.0.5' }, 'https, http', trust), false);
    assert.equal(viaTls({ remoteAddress: '10.0.0.5' }, null, trust), false);
    assert.equal(viaTls({ remoteAddress: '203.0.113.9' }, 'https', trust), false);
    assert.equal(viaTls(undefined, 'https', trust), false);
  });

  it('honours a sane X-Request-Id and replaces anything else', () => {
    assert.equal(requestIdOf('abc-123'), 'abc-123');
    assert.equal(requestIdOf(' req:42/a=b '), 'req:42/a=b');
    for (const bad of [null, '', 'has space', 'new\nline', 'quote"d', 'x'.repeat(129)]) {
      assert.match(requestIdOf(bad), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, String(bad));
    }
  });
});

describe('the /mcp limits and policies, in process', () => {
  let runtime: Runtime;
  const logs: string[] = [];
  let config: Config;
  const metrics = createMetrics({ defaultMetrics: false });
  const make = (over: Partial<HttpAppOptions>): HttpApp => {
    const log = createLogger('debug', { write: (s: string) => logs.push(s) });
    const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: 't', tools: allTools() });
    return createHttpApp(
      factory,
      { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(config.http.auth, log), metrics, ...over },
      log,
    );
  };

  before(() => {
    const base = httpConfig({ MCP_HTTP_TOKENS: `${READ_TOK}:read,${WRITE_TOK}:write` });
    config = { ...base, thruk: { ...base.thruk, apiKey: THRUK_KEY } };
    const sim = createSimulator({ apiKey: THRUK_KEY });
    runtime = createRuntime(
      config,
      createLogger('silent'),
      fetchHandlerSend((r) => sim.fetch(r)),
    );
  });
  after(() => runtime.close());

  it('answers 429 with Retry-After and a JSON-RPC error once a token has used its burst; other tokens are not affected', async () => {
    let t = 1_000_000;
    const app = make({ rateLimit: { capacity: 2, periodMs: 60_000, label: '2/min' }, now: () => t });
    assert.equal((await app.fetch(post(bearer(READ_TOK)))).status, 200);
    assert.equal((await app.fetch(post(bearer(READ_TOK)))).status, 200);
    const limited = await app.fetch(post(bearer(READ_TOK)));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '30');
    assert.match(limited.headers.get('content-type') ?? '', /^application\/json/);
    const body = await limited.json();
    assert.deepEqual(body, {
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Rate limit exceeded (2/min per caller); retry after 30 s.' },
      id: null,
    });
    assert.equal((await app.fetch(post(bearer(WRITE_TOK)))).status, 200, 'another token has its own bucket');
    t += 30_000;
    assert.equal((await app.fetch(post(bearer(READ_TOK)))).status, 200, 'refilled after Retry-After');
    // Refused before the limit: a bad token never spends anyone's budget, and is still a 401.
    assert.equal((await app.fetch(post(bearer('nope')))).status, 401);
    await app.close();
  });

  it('limits unauthenticated callers per client IP (behind a trusted proxy: per X-Forwarded-For client)', async () => {
    const open = { ...config, http: { ...config.http, auth: { ...config.http.auth, tokens: [] } } };
    const log = createLogger('silent');
    const factory = createServerFactory({ config: open, thruk: runtime.thruk, log, version: 't', tools: allTools() });
    const app = createHttpApp(
      factory,
      {
        token: undefined,
        allowedHosts: ['localhost'],
        rateLimit: { capacity: 1, periodMs: 60_000, label: '1/min' },
        trustProxy: ['10.0.0.0/8'],
      },
      log,
    );
    const viaProxy = (client: string) => post({ 'x-forwarded-proto': 'https', 'x-forwarded-for': client });
    assert.equal((await app.fetch(viaProxy('203.0.113.1'), { remoteAddress: '10.0.0.2' })).status, 200);
    assert.equal(
      (await app.fetch(viaProxy('203.0.113.1'), { remoteAddress: '10.0.0.3' })).status,
      429,
      'same client through another proxy replica',
    );
    assert.equal(
      (await app.fetch(viaProxy('203.0.113.2'), { remoteAddress: '10.0.0.2' })).status,
      200,
      'another client behind the same proxy',
    );
    // A forged left-most entry does not give a fresh bucket: the proxy's own right-most entry counts.
    assert.equal((await app.fetch(viaProxy('198.51.100.77, 203.0.113.1'), { remoteAddress: '10.0.0.2' })).status, 429);
    await app.close();
  });

  it('answers 413 for a declared or a streamed body over the limit, and serves one just under it', async () => {
    const app = make({ maxBodyBytes: 2048 });
    const big = JSON.stringify({ ...init, params: { ...init.params, pad: 'x'.repeat(3000) } });
    const declared = await app.fetch(post({ ...bearer(READ_TOK), 'content-length': String(big.length) }, big));
    assert.equal(declared.status, 413);
    assert.equal(declared.headers.get('connection'), 'close');
    assert.deepEqual(await declared.json(), {
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Request body too large: the limit is 2048 bytes (MCP_MAX_BODY_BYTES).' },
      id: null,
    });
    // No Content-Length: a stream that would go on for ever is cut at the limit.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const streamed = await app.fetch(
      new Request('http://localhost/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...bearer(READ_TOK) },
        body: endless,
        duplex: 'half',
      }),
    );
    assert.equal(streamed.status, 413);
    assert.ok(pulled <= 8, `read ${pulled} chunks of 512 bytes for a 2048-byte limit`);
    const fits = JSON.stringify({ ...init, params: { ...init.params, pad: 'x'.repeat(1500) } });
    assert.equal((await app.fetch(post(bearer(READ_TOK), fits))).status, 200);
    await app.close();
  });

  it('with MCP_TRUST_PROXY, /mcp needs X-Forwarded-Proto: https from a trusted proxy; probes stay open', async () => {
    const app = make({ trustProxy: ['loopback'] });
    const proxy = { remoteAddress: '127.0.0.1' };
    assert.equal((await app.fetch(post({ ...bearer(READ_TOK), 'x-forwarded-proto': 'https' }), proxy)).status, 200);
    const plain = await app.fetch(post({ ...bearer(READ_TOK), 'x-forwarded-proto': 'http' }), proxy);
    assert.equal(plain.status, 403);
    assert.deepEqual(await plain.json(), {
      error: 'tls_required',
      error_description:
        'Plain HTTP is refused: the proxy must forward https requests only (X-Forwarded-Proto: https). Use the https:// address.',
    });
    assert.equal((await app.fetch(post({ ...bearer(READ_TOK) }), proxy)).status, 403);
    const direct = await app.fetch(post({ ...bearer(READ_TOK), 'x-forwarded-proto': 'https' }), { remoteAddress: '192.0.2.10' });
    assert.equal(direct.status, 403);
    assert.match(
      ((await direct.json()) as { error_description: string }).error_description,
      /only accepts \/mcp through its TLS-terminating proxy/,
    );
    assert.equal(
      (await app.fetch(post({ ...bearer(READ_TOK), 'x-forwarded-proto': 'https' }))).status,
      403,
      'in-process, no peer: not trusted',
    );
    assert.equal((await app.fetch(new Request('http://10.0.0.9/healthz'), { remoteAddress: '192.0.2.10' })).status, 200);
    assert.equal((await app.fetch(new Request('http://10.0.0.9/readyz'), { remoteAddress: '192.0.2.10' })).status, 200);
    await app.close();
  });

  it('counts refusals by reason in /metrics', async () => {
    const body = (await metrics.render()).body;
    assert.match(body, /^thruk_mcp_http_refused_total\{reason="rate_limited"\} [1-9]\d*$/m);
    assert.match(body, /^thruk_mcp_http_refused_total\{reason="body_too_large"\} 2$/m);
    assert.match(body, /^thruk_mcp_http_refused_total\{reason="tls_required"\} 4$/m);
  });

  it('echoes or assigns X-Request-Id, and logs one request line and one tool-call line with it, no secrets', async () => {
    const app = make({});
    const seen: string[] = [];
    const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    let n = 0;
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: async (u, i) => {
          const headers = new Headers(i?.headers);
          headers.set('x-request-id', `trace-${++n}`);
          const res = await app.fetch(new Request(u, { ...i, headers }));
          seen.push(res.headers.get('x-request-id') ?? '');
          return res;
        },
        requestInit: { headers: bearer(WRITE_TOK) },
      }),
    );
    const before = logs.length;
    const r = await client.callTool({
      name: 'thruk_acknowledge',
      arguments: { host: 'db-03', service: 'disk /', comment: 'c', dry_run: true },
    });
    assert.equal((r.structuredContent as { status: string }).status, 'preview');
    await client.close();
    const id = `trace-${n}`;
    assert.equal(seen.at(-1), id);
    const lines = logs.slice(before).map((l) => JSON.parse(l));
    const reqLine = lines.filter((l) => l.msg === 'mcp request' && l.requestId === id);
    assert.equal(reqLine.length, 1);
    assert.equal(reqLine[0].rpc, 'tools/call');
    assert.equal(reqLine[0].tool, 'thruk_acknowledge');
    assert.equal(reqLine[0].status, 200);
    assert.equal(reqLine[0].caller, 'token-2');
    assert.equal(reqLine[0].client, 'unknown', 'in process: no peer address');
    assert.equal(typeof reqLine[0].ms, 'number');
    const toolLine = lines.filter((l) => l.msg === 'tool call' && l.requestId === id);
    assert.equal(toolLine.length, 1);
    // At the default level (info) a served call logs exactly one line: the tool call's.
    const info = lines.filter((l) => l.requestId === id && l.level >= 30 && l.audit !== true);
    assert.deepEqual(
      info.map((l) => l.msg),
      ['tool call'],
    );
    assert.deepEqual(
      { tool: toolLine[0].tool, outcome: toolLine[0].outcome, caller: toolLine[0].caller },
      { tool: 'thruk_acknowledge', outcome: 'ok', caller: 'token-2' },
    );
    const audit = lines.filter((l) => l.audit === true && l.phase !== 'intent');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].request_id, id);
    const text = logs.join('\n');
    for (const secret of [READ_TOK, WRITE_TOK, THRUK_KEY]) assert.ok(!text.includes(secret), `a log line contains ${secret.slice(0, 6)}…`);
    // An id that could break a log line or a header is replaced, never echoed.
    const odd = await app.fetch(post({ ...bearer(READ_TOK), 'x-request-id': 'a b"c' }));
    assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(
      (await app.fetch(new Request('http://localhost/healthz', { headers: { 'x-request-id': 'probe-1' } }))).headers.get('x-request-id'),
      'probe-1',
    );
    await app.close();
  });
});

describe('over real sockets', () => {
  let runtime: Runtime;
  let config: Config;
  before(() => {
    config = httpConfig({ MCP_HTTP_TOKEN: READ_TOK });
    const sim = createSimulator({ apiKey: config.thruk.apiKey });
    runtime = createRuntime(
      config,
      createLogger('silent'),
      fetchHandlerSend((r) => sim.fetch(r)),
    );
  });
  after(() => runtime.close());
  const app = (over: Partial<HttpAppOptions> = {}) => {
    const log = createLogger('silent');
    return createHttpApp(
      createServerFactory({ config, thruk: runtime.thruk, log, version: 't', tools: allTools() }),
      { token: undefined, allowedHosts: ['localhost', '127.0.0.1'], auth: createAuthenticator(config.http.auth, log), ...over },
      log,
    );
  };

  it('answers 413 while a chunked upload is still being sent (the body is never buffered whole)', async () => {
    const l = await startHttp(app({ maxBodyBytes: 64 * 1024 }), config, createLogger('silent'), 0);
    try {
      const url = new URL(l.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({
          host: url.hostname,
          port: url.port,
          path: '/mcp',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: `Bearer ${READ_TOK}`,
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        // 80 KiB, then nothing more and no end: only a server that checks while reading can answer.
        req.write(Buffer.alloc(80 * 1024, 0x20));
      });
      assert.equal(status, 413);
      assert.equal(l.inFlight.count <= 1, true);
    } finally {
      await l.close();
    }
  });

  it('refuses a big upload with a bad token cleanly and keeps serving the next request', async () => {
    const l = await startHttp(app(), config, createLogger('silent'), 0);
    try {
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const big = JSON.stringify({ ...init, params: { ...init.params, pad: 'x'.repeat(200 * 1024) } });
      const refusedRes = await fetch(l.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong' }, body: big });
      assert.equal(refusedRes.status, 401);
      assert.equal(refusedRes.headers.get('connection'), 'close');
      await refusedRes.text();
      const ok = await fetch(l.url, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${READ_TOK}` },
        body: JSON.stringify(init),
      });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /"serverInfo"/);
      await until0(() => l.inFlight.count === 0);
    } finally {
      await l.close();
    }
  });

  it('serves HTTPS natively with MCP_TLS_CERT / MCP_TLS_KEY', async () => {
    const cert = readFileSync(TLS_CERT);
    const l = await startHttp(app(), { ...config, http: { ...config.http, host: '127.0.0.1' } }, createLogger('silent'), 0, '/mcp', {
      tls: { cert, key: readFileSync(TLS_KEY) },
    });
    try {
      assert.match(l.url, /^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const url = new URL(l.url);
      const body = JSON.stringify(init);
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: url.hostname,
            port: url.port,
            path: '/mcp',
            method: 'POST',
            ca: cert,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              authorization: `Bearer ${READ_TOK}`,
              'content-length': Buffer.byteLength(body),
            },
          },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (d: string) => (text += d));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(res.status, 200);
      assert.match(res.text, /"serverInfo"/);
    } finally {
      await l.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Config } from '../src/config/config.js';
import { parseTokens } from '../src/config/http.js';
import { createLogger } from '../src/server/log.js';
import { createMetrics, type Metrics } from '../src/transports/metrics.js';
import { createReadiness } from '../src/transports/readiness.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { allTools } from '../src/tools/core/registry.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { fetchHandlerSend, ThrukClient } from '../src/thruk/client.js';
import { createAuthenticator } from '../src/transports/auth.js';
import { createHttpApp, createOpsApp, startHttp, type HttpApp } from '../src/transports/http.js';
import { demoConfig } from './helpers/config.js';

const TOKEN = 'ops-secret-tok';
const KEY = 'Sup3rSecretKey_123';

describe('operational endpoints: /healthz, /readyz, /metrics', () => {
  let sim: Simulator;
  let runtime: Runtime;
  let metrics: Metrics;
  let app: HttpApp;
  let config: Config;

  before(() => {
    const base = demoConfig();
    const issues: string[] = [];
    config = {
      ...base,
      thruk: { ...base.thruk, apiKey: KEY },
      http: { ...base.http, auth: { ...base.http.auth, tokens: parseTokens(`${TOKEN}:write`, issues) } },
    };
    const log = createLogger('silent');
    sim = createSimulator({ apiKey: KEY });
    metrics = createMetrics();
    runtime = createRuntime(
      config,
      log,
      fetchHandlerSend((r) => sim.fetch(r)),
      { onThrukRequest: (i) => metrics.thrukRequest(i) },
    );
    // A probe client without retries keeps the 503 case fast; production uses the runtime's client.
    const probe = new ThrukClient({ baseUrl: config.thruk.baseUrl, apiKey: KEY, send: fetchHandlerSend((r) => sim.fetch(r)), retries: 0 });
    const readiness = createReadiness((signal) => probe.get('/thruk', { cache: false, signal }), { ttlMs: 0 });
    const factory = createServerFactory({
      config,
      thruk: runtime.thruk,
      log,
      version: 't',
      tools: allTools(),
      onToolCall: (t) => metrics.startToolCall(t),
    });
    app = createHttpApp(
      factory,
      { token: undefined, allowedHosts: ['localhost'], auth: createAuthenticator(config.http.auth, log), metrics, readiness },
      log,
    );
  });
  after(async () => {
    await app.close();
    await runtime.close();
  });

  it('serves /healthz and /readyz without a token, whatever the Host (probes use the pod IP)', async () => {
    const h = await app.fetch(new Request('http://10.1.2.3:8080/healthz'));
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok' });
    const r = await app.fetch(new Request('http://10.1.2.3:8080/readyz'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await r.json(), { status: 'ready' });
  });

  it('answers 503 with a reason, and nothing else, when Thruk is down or refuses the key', async () => {
    const clear = sim.injectFault({ status: 503 });
    const r = await app.fetch(new Request('http://localhost/readyz'));
    assert.equal(r.status, 503);
    assert.deepEqual(await r.json(), { status: 'not ready', reason: 'Thruk answered HTTP 503' });
    clear();
    const clear403 = sim.injectFault({ status: 403 });
    const k = await app.fetch(new Request('http://localhost/readyz'));
    assert.equal(k.status, 503);
    const text = await k.text();
    assert.deepEqual(JSON.parse(text), { status: 'not ready', reason: 'Thruk refused the configured API key (HTTP 403)' });
    assert.ok(!text.includes(KEY) && !text.includes('thruk-simulator'));
    clear403();
    assert.equal((await app.fetch(new Request('http://localhost/readyz'))).status, 200);
  });

  it('caches the readiness answer for its TTL and probes once for concurrent checks', async () => {
    let probes = 0;
    let t = 0;
    const r = createReadiness(
      async () => {
        probes++;
        await new Promise((res) => setTimeout(res, 5));
      },
      { ttlMs: 1000, now: () => t },
    );
    await Promise.all([r.check(), r.check(), r.check()]);
    await r.check();
    assert.equal(probes, 1);
    t = 2000;
    await r.check();
    assert.equal(probes, 2);
  });

  it('counts tool calls, latency, Thruk requests, cache hits and in-flight calls, and exposes no secret', async () => {
    const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (u, i) => app.fetch(new Request(u, i)),
        requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      }),
    );
    await client.callTool({ name: 'thruk_problem_counts', arguments: {} });
    await client.callTool({ name: 'thruk_problem_counts', arguments: {} });
    await client.callTool({ name: 'no_such_tool', arguments: {} });
    await client.callTool({ name: 'thruk_get_host', arguments: { host: 'definitely-not-a-host' } });
    await runtime.thruk.get('/sites');
    await runtime.thruk.get('/sites');
    await client.close();

    const res = await app.fetch(new Request('http://localhost/metrics'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    assert.match(body, /^thruk_mcp_tool_calls_total\{tool="thruk_problem_counts",outcome="ok"\} 2$/m);
    assert.match(body, /^thruk_mcp_tool_calls_total\{tool="\(unknown\)",outcome="refused"\} 1$/m);
    assert.match(body, /^thruk_mcp_tool_calls_total\{tool="thruk_get_host",outcome="error"\} 1$/m);
    assert.match(body, /^thruk_mcp_tool_call_duration_seconds_count\{tool="thruk_problem_counts"\} 2$/m);
    assert.match(body, /^thruk_mcp_tool_calls_in_flight 0$/m);
    assert.match(body, /^thruk_mcp_thruk_requests_total\{method="GET",status="200"\} \d+$/m);
    assert.match(body, /^thruk_mcp_thruk_cache_hits_total [1-9]\d*$/m);
    assert.match(body, /^thruk_mcp_process_cpu_user_seconds_total /m);
    for (const secret of [TOKEN, KEY, 'no_such_tool', 'definitely-not-a-host', config.thruk.baseUrl])
      assert.ok(!body.includes(secret), `/metrics exposes ${secret}`);
  });

  it('serves /metrics on a separate port when asked, and then not on the MCP port', async () => {
    const log = createLogger('silent');
    const main = createHttpApp(
      () => {
        throw new Error('unused');
      },
      { token: 'x', allowedHosts: ['localhost'], metrics, serveMetrics: false },
      log,
    );
    assert.equal((await main.fetch(new Request('http://localhost/metrics'))).status, 404);
    const ops = await startHttp(createOpsApp({ metrics }), { ...config, http: { ...config.http, host: '127.0.0.1' } }, log, 0, '/metrics');
    try {
      const m = await fetch(ops.url);
      assert.equal(m.status, 200);
      assert.match(await m.text(), /thruk_mcp_tool_calls_total/);
      assert.equal((await fetch(ops.url.replace('/metrics', '/mcp'), { method: 'POST' })).status, 404);
      assert.equal((await fetch(ops.url.replace('/metrics', '/healthz'))).status, 200);
    } finally {
      await ops.close();
    }
  });
});

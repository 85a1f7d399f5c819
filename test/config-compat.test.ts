import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../src/config/config.js';
import { createLogger } from '../src/server/log.js';
import { createRuntime } from '../src/server/runtime.js';
import { createServerFactory } from '../src/server/server.js';
import { createSimulator } from '../src/sim/index.js';
import { fetchHandlerSend } from '../src/thruk/client.js';
import { allTools } from '../src/tools/core/registry.js';
import { createHttpApp } from '../src/transports/http.js';

const env = { THRUK_BASE_URL: 'https://mon.example.com/site/thruk', THRUK_API_KEY: 'abc_123', MCP_HTTP_TOKEN: 'tok-compat-1' };

function serve(argv: string[], e: Record<string, string> = env): Config {
  const r = loadConfig(argv, e);
  assert.ok(r.ok && r.action === 'serve', JSON.stringify(r));
  return r.config;
}

function issues(argv: string[], e: Record<string, string> = env): string {
  const r = loadConfig(argv, e);
  assert.equal(r.ok, false, 'expected a configuration error');
  return r.ok ? '' : r.issues.join('\n');
}

describe("the Python thruk-mcp's command-line flags", () => {
  it('--transport stdio is the default mode; streamable-http serves HTTP on the Python default port 8001', () => {
    assert.equal(serve(['--transport', 'stdio']).mode, 'stdio');
    const http = serve(['--transport', 'streamable-http']);
    assert.equal(http.mode, 'http');
    assert.equal(http.http.port, 8001);
    assert.equal(serve(['--transport', 'streamable-http', '--listen', '9000']).http.port, 9000);
  });

  it('--stateless is accepted with HTTP; --json-response selects JSON answers', () => {
    const c = serve(['--transport', 'streamable-http', '--stateless', '--json-response']);
    assert.equal(c.http.responseMode, 'json');
    assert.equal(serve(['--listen', '0']).http.responseMode, 'auto');
  });

  it('upper-case Python log levels are understood (DEBUG, WARNING, ERROR)', () => {
    assert.equal(serve(['--log-level', 'DEBUG']).logLevel, 'debug');
    assert.equal(serve(['--log-level', 'WARNING']).logLevel, 'warn');
    assert.equal(serve(['--log-level', 'ERROR']).logLevel, 'error');
    assert.match(issues(['--log-level', 'LOUD']), /--log-level: expected one of .* got 'loud'/);
  });

  it('refuses what cannot work, saying what to use instead', () => {
    assert.match(issues(['--transport', 'sse']), /SSE transport is not served\. Use --transport streamable-http/);
    assert.match(issues(['--transport', 'carrier-pigeon']), /--transport: expected stdio or streamable-http, got 'carrier-pigeon'/);
    assert.match(issues(['--transport', 'stdio', '--listen', '8001']), /contradict/);
    assert.match(issues(['--json-response']), /--json-response applies to the HTTP mode only/);
    assert.match(issues(['--stateless']), /--stateless applies to the HTTP mode only/);
    assert.match(issues(['--header-auth']), /--header-auth is not supported: .*SSRF.*MCP_THRUK_AUTH=caller.*THRUK_MCP_CONFIG/);
  });

  it('--json-response answers 2026-07-28 exchanges with one JSON body, even when progress would stream', async () => {
    const types = async (argv: string[]): Promise<string[]> => {
      const config = serve(['--demo', '--listen', '0', ...argv], { MCP_HTTP_TOKEN: 'tok-compat-1', THRUK_TOOLSETS: 'all' });
      const log = createLogger('silent');
      const sim = createSimulator({ apiKey: config.thruk.apiKey });
      const runtime = createRuntime(
        config,
        log,
        fetchHandlerSend((r) => sim.fetch(r)),
      );
      const factory = createServerFactory({ config, thruk: runtime.thruk, log, version: '0.0.0', tools: allTools() });
      const app = createHttpApp(
        factory,
        { token: 'tok-compat-1', allowedHosts: ['localhost'], responseMode: config.http.responseMode },
        log,
      );
      const seen: string[] = [];
      const fetch = async (u: string | URL, i?: RequestInit): Promise<Response> => {
        const res = await app.fetch(new Request(u, i));
        if (i?.method === 'POST' && typeof i.body === 'string' && i.body.includes('tools/call'))
          seen.push(res.headers.get('content-type') ?? '');
        return res;
      };
      const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect(
        new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
          fetch,
          requestInit: { headers: { authorization: 'Bearer tok-compat-1' } },
        }),
      );
      // A progress token makes a long read report progress, which upgrades an 'auto' answer to SSE.
      const r = await client.callTool(
        { name: 'thruk_run_background_query', arguments: { path: '/hosts', page_size: 10 } },
        { onprogress: () => undefined },
      );
      assert.notEqual(r.isError, true, JSON.stringify(r.content));
      await client.close();
      await app.close();
      await runtime.close();
      return seen;
    };
    const json = await types(['--json-response']);
    assert.ok(json.length > 0 && json.every((t) => t.startsWith('application/json')), json.join());
    // The contrast: the default mode streams this very call, so the flag is what changed it.
    assert.ok((await types([])).some((t) => t.startsWith('text/event-stream')));
  });
});

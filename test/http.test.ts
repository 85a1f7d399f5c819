import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger } from '../src/server/log.js';
import { createServerFactory } from '../src/server/server.js';
import type { ThrukClient } from '../src/thruk/client.js';
import { createHttpApp, defaultAllowedHosts, gate, tokenMatches } from '../src/transports/http.js';
import { demoConfig } from './helpers/config.js';

const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function app(token: string | undefined, hosts = ['localhost', '127.0.0.1']) {
  const log = createLogger('silent');
  const factory = createServerFactory({ config: demoConfig(), thruk: {} as ThrukClient, log, version: 't', tools: [] });
  return createHttpApp(factory, { token, allowedHosts: hosts }, log);
}

function post(url: string, headers: Record<string, string> = {}, body: unknown = init): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

describe('HTTP gate', () => {
  it('compares tokens in constant time and exactly', () => {
    assert.equal(tokenMatches('abc', 'abc'), true);
    assert.equal(tokenMatches('abc', 'abcd'), false);
    assert.equal(tokenMatches('abc', ''), false);
  });

  it('answers 401 with WWW-Authenticate for a missing or wrong token, and passes a good one', async () => {
    const a = app('s3cret');
    const missing = await a.fetch(post('http://localhost/mcp'));
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer /);
    const wrong = await a.fetch(post('http://localhost/mcp', { authorization: 'Bearer nope' }));
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /invalid_token/);
    const good = await a.fetch(post('http://localhost/mcp', { authorization: 'Bearer s3cret' }));
    assert.equal(good.status, 200);
    const body = await good.text();
    assert.match(body, /"serverInfo"/);
    assert.ok(!body.includes('s3cret'));
    await a.close();
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin with 403', async () => {
    const a = app(undefined);
    assert.equal((await a.fetch(post('http://evil.example/mcp'))).status, 403);
    assert.equal((await a.fetch(post('http://localhost/mcp', { origin: 'https://evil.example' }))).status, 403);
    assert.equal((await a.fetch(post('http://localhost/mcp', { origin: 'http://localhost:5173' }))).status, 200);
    await a.close();
  });

  it('serves /healthz without auth and 404 elsewhere', async () => {
    const a = app('t');
    assert.equal((await a.fetch(new Request('http://localhost/healthz'))).status, 200);
    assert.equal((await a.fetch(new Request('http://localhost/other'))).status, 404);
    await a.close();
  });

  it('derives the allowed hosts from the bind address', () => {
    assert.ok(defaultAllowedHosts('10.0.0.5', []).includes('10.0.0.5'));
    assert.ok(!defaultAllowedHosts('0.0.0.0', []).includes('0.0.0.0'));
    assert.ok(defaultAllowedHosts('0.0.0.0', ['Mcp.Example.com']).includes('mcp.example.com'));
    assert.equal(
      gate(new Request('http://[::1]/mcp'), { token: undefined, allowedHosts: defaultAllowedHosts('127.0.0.1', []) }),
      undefined,
    );
  });

  for (const mode of ['auto', 'legacy'] as const) {
    it(`serves a real ${mode === 'auto' ? '2026-07-28' : '2025'} client through the token gate`, async () => {
      const a = app('tok');
      const client = new Client({ name: 't', version: '1' }, mode === 'auto' ? { versionNegotiation: { mode } } : {});
      await client.connect(
        new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
          fetch: (u, i) => a.fetch(new Request(u, i)),
          requestInit: { headers: { authorization: 'Bearer tok' } },
        }),
      );
      const tools = await client.listTools();
      assert.deepEqual(tools.tools, []);
      await client.close();
      await a.close();
    });
  }
});

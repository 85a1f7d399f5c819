import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Starts the built binary on an ephemeral loopback port and returns the URL it announces. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [cli, '--demo', '--listen', '0'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 15_000);
    child.stderr.on('data', (d: string) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => err });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

describe('the built binary over Streamable HTTP (--listen)', () => {
  let server: Awaited<ReturnType<typeof start>>;
  before(async () => {
    server = await start({ MCP_HTTP_TOKEN: 'tok-123' });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    const code = await new Promise((r) => server.child.once('exit', r));
    assert.equal(code, 0, 'graceful exit on SIGTERM');
  });

  it('binds loopback, announces demo mode, and requires the token', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.match(server.stderr(), /DEMO MODE/);
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  });

  for (const mode of ['auto', 'legacy'] as const) {
    it(`serves a ${mode === 'auto' ? '2026-07-28' : '2025'} client over a real socket`, async () => {
      const client = new Client({ name: 'http-test', version: '1' }, mode === 'auto' ? { versionNegotiation: { mode } } : {});
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: 'Bearer tok-123' } } }),
      );
      const r = await client.callTool({ name: 'thruk_problem_counts', arguments: {} });
      assert.equal(r.isError, undefined);
      assert.ok((r.structuredContent as { hosts: { down: number } }).hosts.down >= 1);
      await client.close();
    });
  }
});

/**
 * Suite 5 (issue 8): crash safety. Test-only tools that throw synchronously, reject, or hang until
 * aborted; a client that cancels or drops its connection mid-call. After each, the same server
 * answers a normal call, and the error results say "Internal error … logged" with no stack trace.
 */
// First, so the suite-wide secret guard is in place before any logger exists.
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { defineTool, type ToolDef } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';
import { connect, type Harness } from './helpers/harness.js';

const SECRET_MESSAGE = 'boom-detail-that-must-stay-in-the-log';
const empty = z.object({}).strict();
const out = z.object({ ok: z.boolean() });

let hangAborted = 0;
let hangStarted = 0;

const crashTools: readonly ToolDef[] = [
  defineTool({
    name: 'test_throw_sync',
    title: 'throws',
    toolset: 'state',
    access: 'read',
    description: 'Throws synchronously.',
    input: empty,
    output: out,
    run: () => {
      throw new TypeError(`${SECRET_MESSAGE} (sync)`);
    },
  }),
  defineTool({
    name: 'test_reject',
    title: 'rejects',
    toolset: 'state',
    access: 'read',
    description: 'Returns a rejected promise.',
    input: empty,
    output: out,
    run: () => Promise.reject(new RangeError(`${SECRET_MESSAGE} (async)`)),
  }),
  defineTool({
    name: 'test_reject_nonerror',
    title: 'rejects with a non-Error',
    toolset: 'state',
    access: 'read',
    description: 'Rejects with a plain object.',
    input: empty,
    output: out,
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    run: () => Promise.reject({ weird: SECRET_MESSAGE }),
  }),
  defineTool({
    name: 'test_hang',
    title: 'hangs',
    toolset: 'state',
    access: 'read',
    description: 'Never resolves until aborted (bounded at 10 s).',
    input: empty,
    output: out,
    run: (ctx) =>
      new Promise((resolve, reject) => {
        hangStarted++;
        const guard = setTimeout(() => resolve({ data: { ok: false }, text: 'guard fired' }), 10_000);
        ctx.signal.addEventListener(
          'abort',
          () => {
            hangAborted++;
            clearTimeout(guard);
            reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new DOMException('aborted', 'AbortError'));
          },
          { once: true },
        );
      }),
  }),
];

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
  return cond();
}

describe('crash safety', () => {
  let r: Harness;
  const healthy = async (): Promise<void> => {
    const res = await r.call('thruk_totals', {});
    assert.notEqual(res.isError, true, res.text);
    assert.match(res.text, /Hosts total/);
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    r = await connect({ tools: [...allTools(), ...crashTools], logLevel: 'info' });
  });
  after(async () => {
    await r.close();
    process.off('unhandledRejection', onUnhandled);
  });

  for (const name of ['test_throw_sync', 'test_reject', 'test_reject_nonerror']) {
    it(`${name}: "Internal error … logged", no stack in the answer, then the server still serves`, async () => {
      const logsBefore = r.logs.length;
      const res = await r.call(name, {});
      assert.equal(res.isError, true);
      assert.match(res.text, /Internal error in test_\w+; it was logged/);
      assert.doesNotMatch(res.text, /\n\s+at |\.ts:\d+|boom-detail/);
      assert.equal(JSON.stringify(res.raw).includes(SECRET_MESSAGE), false, 'detail leaked into the result');
      // The detail went to the log instead.
      const logged = r.logs.slice(logsBefore).join('');
      assert.match(logged, /tool failed unexpectedly/);
      assert.ok(logged.includes(SECRET_MESSAGE), 'the cause is logged');
      await healthy();
    });
  }

  it('a hanging tool is aborted when the client times out / cancels, and the server serves on', async () => {
    const before0 = hangAborted;
    const t0 = Date.now();
    await assert.rejects(r.call('test_hang', {}, { timeout: 300 }));
    assert.ok(Date.now() - t0 < 3000);
    assert.ok(await waitFor(() => hangAborted > before0, 3000), 'the handler saw its signal abort');
    await healthy();
    // An explicit cancel through an AbortSignal works the same.
    const ctrl = new AbortController();
    const p = r.call('test_hang', {}, { signal: ctrl.signal });
    assert.ok(await waitFor(() => hangStarted > 1, 3000));
    ctrl.abort();
    await assert.rejects(p);
    assert.ok(await waitFor(() => hangAborted > before0 + 1, 3000));
    await healthy();
  });

  it('concurrent calls keep working while one call hangs', async () => {
    const ctrl = new AbortController();
    const hang = r.call('test_hang', {}, { signal: ctrl.signal }).catch(() => 'cancelled');
    const results = await Promise.all([r.call('thruk_totals', {}), r.call('test_reject', {}), r.call('thruk_list_hosts', { limit: 3 })]);
    assert.notEqual(results[0].isError, true);
    assert.equal(results[1].isError, true);
    assert.notEqual(results[2].isError, true);
    ctrl.abort();
    assert.equal(await hang, 'cancelled');
  });

  it('a client disconnecting mid-call (fetch aborted during a slow Thruk read) does not hurt the server', async () => {
    r.sim.injectFault({ match: '/hosts', latencyMs: 2000, times: 4 });
    // A second client on the same app whose HTTP fetch is cut 200 ms into every tools/call.
    const dropper = new Client({ name: 'dropper', version: '1' }, { versionNegotiation: { mode: 'auto' as const } });
    const cut = async (u: string | URL, init?: RequestInit): Promise<Response> => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (!body.includes('tools/call')) return r.app.fetch(new Request(u, init));
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new Error('client went away')), 200);
      try {
        const res = await r.app.fetch(new Request(u, { ...init, signal: ctrl.signal }));
        // Reading the (streamed) body is cut by the same abort.
        const text = await Promise.race([
          res.text(),
          new Promise<never>((_, rej) => ctrl.signal.addEventListener('abort', () => rej(new Error('client went away')), { once: true })),
        ]);
        return new Response(text, { status: res.status, headers: res.headers });
      } finally {
        clearTimeout(timer);
      }
    };
    await dropper.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: cut }));
    try {
      await assert.rejects(dropper.callTool({ name: 'thruk_list_hosts', arguments: { limit: 3 } }, { timeout: 5000 }));
    } finally {
      await dropper.close().catch(() => undefined);
    }
    // The SDK-level cancel path too: abort the caller's signal mid-call.
    const ctrl = new AbortController();
    const p = r.call('thruk_list_hosts', { limit: 3 }, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 200);
    await assert.rejects(p);
    r.sim.clearFaults();
    await healthy();
    const list = await r.call('thruk_list_hosts', { limit: 3 });
    assert.notEqual(list.isError, true, list.text);
  });

  it('no unhandled rejection escaped during the suite', async () => {
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(unhandled.map(String), []);
  });
});

/**
 * Suite 3 (issue 8), short form: 16 concurrent MCP clients for 3 s (in process over
 * createHttpApp(...).fetch) and 8 clients for 2 s over a real loopback listener, mixed reads and
 * write previews. Zero errors, open-fd count stable; p99 is reported, not asserted. The full form
 * (64 clients, RSS growth) is `node --import tsx scripts/soak.ts`.
 */
// First, so the suite-wide secret guard is in place before any logger exists.
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openFds, runLoad, type LoadReport } from './helpers/loadkit.js';

const FD_MARGIN = 8;

function summary(r: LoadReport): string {
  return `${r.transport} ${r.clients} clients: ${r.calls} calls in ${r.wallMs} ms (${r.rate.toFixed(0)}/s), errors ${r.errors}, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, fds ${r.fdBefore}→${r.fdAfter}, rss ${(r.rssBefore / 2 ** 20).toFixed(0)}→${(r.rssAfter / 2 ** 20).toFixed(0)} MiB`;
}

describe('load (short form)', () => {
  it('16 in-process clients for 3 s: zero errors, fds stable', async (t) => {
    assert.ok(openFds() > 0, '/proc/self/fd is readable');
    const r = await runLoad({ clients: 16, durationMs: 3000, maxCalls: 20_000, transport: 'inproc' });
    t.diagnostic(summary(r));
    assert.equal(r.errors, 0, r.errorSamples.join('\n'));
    assert.ok(r.calls >= 16, `only ${r.calls} calls`);
    for (const tool of ['thruk_totals', 'thruk_list_hosts', 'thruk_acknowledge'])
      assert.ok((r.byTool[tool] ?? 0) > 0, `${tool} was called`);
    assert.ok(Math.abs(r.fdAfter - r.fdBefore) <= FD_MARGIN, `fds ${r.fdBefore} → ${r.fdAfter}`);
  });

  it('8 clients over a loopback listener for 2 s: zero errors, sockets closed afterwards', async (t) => {
    const r = await runLoad({ clients: 8, durationMs: 2000, maxCalls: 10_000, transport: 'loopback', token: 'load-test-token' });
    t.diagnostic(summary(r));
    assert.equal(r.errors, 0, r.errorSamples.join('\n'));
    assert.ok(r.calls >= 8);
    assert.ok(Math.abs(r.fdAfter - r.fdBefore) <= FD_MARGIN, `fds ${r.fdBefore} → ${r.fdAfter}`);
  });
});

/**
 * Suite 2 (issue 8): fault injection. Thruk refused, blackholed, slow, 5xx, 429 + Retry-After,
 * malformed JSON, truncated body, connection reset, TLS failure, one federated backend failing. Each faulted call
 * must answer isError within the overall deadline (2 × THRUK_TIMEOUT) with the cause and a hint,
 * reads must be retried at most 4 times, and a command POST must never be sent twice.
 */
// First, so the suite-wide secret guard is in place before any logger exists.
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FaultSpec } from '../src/sim/faults.js';
import { createSimulator } from '../src/sim/index.js';
import { blackhole, closedPort, selfSignedCert, tlsSimulator } from './helpers/netfaults.js';
import { connect, demoConfig, rest, withSettings, type Harness } from './helpers/harness.js';

const TIMEOUT_MS = 1500;
/** The client's overall deadline is 2 × the per-attempt timeout; allow scheduling slack on top. */
const BOUND_MS = 2 * TIMEOUT_MS + 1000;
const MAX_ATTEMPTS = 4;
const HINT = /retry|check|narrow|raise|try again|later/i;

const fastConfig = (over: Parameters<typeof withSettings>[1] = {}) =>
  withSettings(demoConfig(), { ...over, thruk: { timeoutMs: TIMEOUT_MS, ...(over.thruk ?? {}) } });

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

/** A DOWN (or UNREACHABLE) host with no acknowledgement, straight from the simulator. */
async function unackedProblemHost(r: Pick<Harness, 'sim' | 'config'>, backend?: string): Promise<string> {
  const rows = (await rest(r, '/hosts', { 'state[ne]': '0', acknowledged: '0', columns: 'name,peer_name' })) as Array<{
    name: string;
    peer_name?: string;
  }>;
  const row = rows.find((x) => backend === undefined || x.peer_name === backend);
  assert.ok(row, `no unacknowledged problem host${backend !== undefined ? ` on ${backend}` : ''}`);
  return row.name;
}

interface ReadCase {
  name: string;
  fault: FaultSpec;
  cause: RegExp;
}

const READ_FAULTS: readonly ReadCase[] = [
  { name: '500', fault: { status: 500 }, cause: /\b500\b/ },
  { name: '502', fault: { status: 502 }, cause: /\b502\b/ },
  { name: '503', fault: { status: 503 }, cause: /\b503\b/ },
  { name: '504', fault: { status: 504 }, cause: /\b504\b/ },
  { name: '429 with Retry-After', fault: { status: 429, retryAfter: 1 }, cause: /\b429\b/ },
  { name: 'malformed JSON', fault: { malformedJson: true }, cause: /malformed JSON/i },
  { name: 'truncated body', fault: { truncated: true }, cause: /malformed JSON|truncated/i },
  { name: 'connection reset', fault: { reset: true }, cause: /ECONNRESET|reset/i },
  { name: 'blackholed (latency beyond the timeout)', fault: { latencyMs: 60_000 }, cause: /timed out|timeout/i },
];

describe('faults: reads', { concurrency: true }, () => {
  for (const c of READ_FAULTS) {
    it(`${c.name}: isError with cause and hint, within the deadline, at most ${MAX_ATTEMPTS} attempts`, async () => {
      const r = await connect({ config: fastConfig() });
      try {
        r.sim.injectFault({ match: '/hosts/totals', ...c.fault });
        const { value: res, ms } = await timed(() => r.call('thruk_totals', {}));
        assert.equal(res.isError, true, res.text);
        assert.match(res.text, c.cause);
        assert.match(res.text, HINT);
        assert.doesNotMatch(res.text, /Internal error|\n\s+at /);
        assert.ok(ms <= BOUND_MS, `answered after ${ms} ms (bound ${BOUND_MS})`);
        const attempts = r.sim.requests.filter((q) => q.path === '/hosts/totals').length;
        assert.ok(attempts >= 1 && attempts <= MAX_ATTEMPTS, `${attempts} attempts`);
        // Thruk recovered: the next call succeeds on the same server.
        r.sim.clearFaults();
        const ok = await r.call('thruk_totals', {});
        assert.notEqual(ok.isError, true, ok.text);
      } finally {
        await r.close();
      }
    });
  }

  it('slow (latency within the timeout) succeeds in one attempt', async () => {
    const r = await connect({ config: fastConfig() });
    try {
      r.sim.injectFault({ match: '/hosts', latencyMs: 400 });
      const { value: res, ms } = await timed(() => r.call('thruk_list_hosts', { limit: 5 }));
      assert.notEqual(res.isError, true, res.text);
      assert.ok(ms >= 350 && ms <= BOUND_MS, `${ms} ms`);
      assert.equal(r.sim.requests.filter((q) => q.path === '/hosts').length, 1);
    } finally {
      await r.close();
    }
  });

  it('429 with Retry-After: 1 (twice) waits as told between attempts, then the read succeeds', async () => {
    const at: number[] = [];
    const stamp =
      (inner: (req: Request) => Promise<Response>) =>
      (req: Request): Promise<Response> => {
        if (new URL(req.url).pathname.endsWith('/hosts/totals')) at.push(Date.now());
        return inner(req);
      };
    const r = await connect({ config: fastConfig({ thruk: { timeoutMs: 5000 } }), wrap: stamp });
    try {
      r.sim.injectFault({ match: '/hosts/totals', status: 429, retryAfter: 1, times: 2 });
      const res = await r.call('thruk_totals', {});
      assert.notEqual(res.isError, true, res.text);
      assert.equal(at.length, 3, `${at.length} attempts`);
      for (let i = 1; i < at.length; i++)
        assert.ok(
          (at[i] ?? 0) - (at[i - 1] ?? 0) >= 950,
          `attempt ${i + 1} came ${(at[i] ?? 0) - (at[i - 1] ?? 0)} ms after the previous one`,
        );
    } finally {
      await r.close();
    }
  });

  it('a transient 503 (twice) is retried and the read succeeds', async () => {
    const r = await connect({ config: fastConfig({ thruk: { timeoutMs: 5000 } }) });
    try {
      r.sim.injectFault({ match: '/hosts/totals', status: 503, times: 2 });
      const res = await r.call('thruk_totals', {});
      assert.notEqual(res.isError, true, res.text);
      assert.equal(r.sim.requests.filter((q) => q.path === '/hosts/totals').length, 3);
    } finally {
      await r.close();
    }
  });

  it('Thruk refused (closed loopback port): isError naming the refusal, within the deadline', async () => {
    const port = await closedPort();
    const config = fastConfig({ thruk: { baseUrl: `http://127.0.0.1:${port}/thruk` } });
    const r = await connect({ config, send: 'network', logLevel: 'debug' });
    try {
      const { value: res, ms } = await timed(() => r.call('thruk_totals', {}));
      assert.equal(res.isError, true, res.text);
      assert.match(res.text, /ECONNREFUSED|refused/i);
      assert.match(res.text, HINT);
      assert.ok(ms <= BOUND_MS, `${ms} ms`);
      const attempts = r.logs.filter((l) => l.includes('"thruk request"') && l.includes('/hosts/totals')).length;
      assert.ok(attempts <= MAX_ATTEMPTS, `${attempts} attempts logged`);
      // A write is refused before anything is sent.
      const ack = await r.call('thruk_acknowledge', { host: 'web-01', comment: 'refused' });
      assert.equal(ack.isError, true, ack.text);
      assert.match(ack.text, /ECONNREFUSED|refused/i);
    } finally {
      await r.close();
    }
  });

  it('Thruk blackholed over the network (accepts, never answers): timeout error within the deadline', async () => {
    const hole = await blackhole();
    const config = fastConfig({ thruk: { baseUrl: `http://127.0.0.1:${hole.port}/thruk`, timeoutMs: 800 } });
    const r = await connect({ config, send: 'network' });
    try {
      const { value: res, ms } = await timed(() => r.call('thruk_totals', {}));
      assert.equal(res.isError, true, res.text);
      assert.match(res.text, /timed out|timeout/i);
      assert.match(res.text, HINT);
      assert.ok(ms <= 2 * 800 + 1000, `${ms} ms`);
      assert.ok(hole.accepted() >= 1);
    } finally {
      await r.close();
      await hole.close();
    }
  });
});

describe('faults: writes are never duplicated', { concurrency: true }, () => {
  // Every fault of the read list: none may make a command go out twice.
  const WRITE_FAULTS: ReadonlyArray<{ name: string; fault: FaultSpec; cause: RegExp; mayHaveRun: boolean }> = [
    { name: 'connection reset', fault: { reset: true }, cause: /ECONNRESET|reset/i, mayHaveRun: true },
    { name: '500', fault: { status: 500 }, cause: /\b500\b|internal server error/i, mayHaveRun: false },
    { name: '502', fault: { status: 502 }, cause: /\b502\b|bad gateway/i, mayHaveRun: true },
    { name: '503', fault: { status: 503 }, cause: /\b503\b|No backend/i, mayHaveRun: false },
    { name: '504', fault: { status: 504 }, cause: /\b504\b|gateway timeout/i, mayHaveRun: true },
    { name: '429 with Retry-After', fault: { status: 429, retryAfter: 1 }, cause: /\b429\b|too many/i, mayHaveRun: false },
    { name: 'timeout', fault: { latencyMs: 60_000 }, cause: /timed out|timeout/i, mayHaveRun: true },
    { name: 'malformed JSON', fault: { malformedJson: true }, cause: /malformed JSON|unreadable/i, mayHaveRun: true },
    { name: 'truncated body', fault: { truncated: true }, cause: /malformed JSON|truncated|unreadable/i, mayHaveRun: true },
  ];
  for (const c of WRITE_FAULTS) {
    it(`${c.name} on /cmd: exactly one POST, result says failed with the reason`, async () => {
      const r = await connect({ config: fastConfig() });
      try {
        const host = await unackedProblemHost(r);
        r.sim.requests.length = 0;
        r.sim.injectFault({ match: /\/cmd(\/|$)/, ...c.fault });
        const { value: res, ms } = await timed(() => r.call('thruk_acknowledge', { host, comment: `fault ${c.name}` }));
        const posts = r.sim.requests.filter((q) => q.method === 'POST' && /\/cmd(\/|$)/.test(q.path));
        assert.equal(posts.length, 1, `POSTs: ${JSON.stringify(posts.map((p) => p.path))}`);
        assert.equal(res.isError, true, res.text);
        assert.match(res.text, /fail/i);
        assert.match(res.text, c.cause);
        // Exactly what was and was not done: after a reset, timeout, unreadable answer or gateway
        // error nobody knows whether the core ran it, and the answer must say so.
        if (c.mayHaveRun) assert.match(res.text, /may still have reached Thruk and run/);
        else assert.doesNotMatch(res.text, /may still have/);
        assert.ok(ms <= BOUND_MS + TIMEOUT_MS, `${ms} ms`);
        assert.doesNotMatch(res.text, /Internal error/);
        // Nothing was acknowledged behind our back, and the next (healthy) call goes through once.
        r.sim.clearFaults();
        r.sim.requests.length = 0;
        const again = await r.call('thruk_acknowledge', { host, comment: 'after the fault' });
        assert.notEqual(again.isError, true, again.text);
        assert.equal(r.sim.requests.filter((q) => q.method === 'POST').length, 1);
      } finally {
        await r.close();
      }
    });
  }
});

describe('faults: one federated backend failing', () => {
  /** Requests that reached the wrapper, failed or not (the simulator only records those it saw). */
  const wire: Array<{ method: string; path: string }> = [];
  const failB =
    (inner: (req: Request) => Promise<Response>) =>
    async (req: Request): Promise<Response> => {
      const url = new URL(req.url);
      wire.push({ method: req.method, path: url.pathname });
      const sites = /\/sites\/([^/]+)\//.exec(url.pathname)?.[1]?.split(',') ?? [];
      const backends = url.searchParams.getAll('backends').flatMap((v) => v.split(','));
      if (sites.includes('b') || backends.includes('b')) {
        return new Response(JSON.stringify({ code: 502, message: 'backend b: connection refused', failed: true }), {
          status: 502,
          headers: { 'content-type': 'application/json' },
        });
      }
      return inner(req);
    };

  it('reads on the healthy backend work; reads touching b answer isError naming the cause', async () => {
    const r = await connect({ config: fastConfig(), sim: { sites: ['a', 'b'] }, wrap: failB });
    try {
      const a = await r.call('thruk_list_hosts', { backends: 'a', limit: 5 });
      assert.notEqual(a.isError, true, a.text);
      const { value: b, ms } = await timed(() => r.call('thruk_list_hosts', { backends: 'b', limit: 5 }));
      assert.equal(b.isError, true, b.text);
      assert.match(b.text, /502|backend b/i);
      assert.match(b.text, HINT);
      assert.ok(ms <= BOUND_MS, `${ms} ms`);
      const both = await r.call('thruk_totals', { backends: 'a,b' });
      // Either an error or a partial answer that says so.
      if (both.isError !== true) assert.match(both.text, /partial|\bb\b.*(fail|down|unavailable)/i);
      else assert.match(both.text, /502|backend b/i);
    } finally {
      await r.close();
    }
  });

  it('an ack on a host of the failing backend is sent at most once and reported failed', async () => {
    const r = await connect({ config: fastConfig(), sim: { sites: ['a', 'b'] }, wrap: failB });
    try {
      const host = await unackedProblemHost(r, 'b');
      wire.length = 0;
      const res = await r.call('thruk_acknowledge', { host, comment: 'b is down', backends: 'b' });
      assert.equal(res.isError, true, res.text);
      assert.match(res.text, /502|backend b/i);
      assert.ok(wire.filter((q) => q.method === 'POST').length <= 1, JSON.stringify(wire));
      assert.equal(r.sim.requests.filter((q) => q.method === 'POST').length, 0);
    } finally {
      await r.close();
    }
  });
});

describe('faults: TLS failure (Thruk over HTTPS with a self-signed certificate)', () => {
  const cert = selfSignedCert();
  const skip = cert === undefined ? 'openssl not available' : false;
  const apiKey = demoConfig().thruk.apiKey;

  async function withTls(
    over: Parameters<typeof withSettings>[1]['thruk'],
    host: string,
    fn: (r: Harness, tls: Awaited<ReturnType<typeof tlsSimulator>>) => Promise<void>,
  ): Promise<void> {
    if (cert === undefined) return;
    const simulator = createSimulator({ apiKey });
    const tls = await tlsSimulator(simulator, cert);
    const r = await connect({
      config: fastConfig({ thruk: { baseUrl: `https://${host}:${tls.port}/thruk`, verifySsl: true, ...over } }),
      simulator,
      send: 'network',
    });
    try {
      await fn(r, tls);
    } finally {
      await r.close();
      await tls.close();
    }
  }

  it(
    'an untrusted certificate: isError naming the TLS cause and THRUK_CA_FILE / THRUK_VERIFY_SSL, not retried, nothing sent',
    { skip },
    async () => {
      await withTls({}, '127.0.0.1', async (r, tls) => {
        const { value: res, ms } = await timed(() => r.call('thruk_totals', {}));
        assert.equal(res.isError, true, res.text);
        assert.match(res.text, /TLS certificate not trusted \((DEPTH_ZERO_)?SELF_SIGNED_CERT[A-Z_]*\)/);
        assert.match(res.text, /THRUK_CA_FILE/);
        assert.match(res.text, /THRUK_VERIFY_SSL/);
        // A trust problem does not heal within seconds: one attempt, no "(N attempts)".
        assert.doesNotMatch(res.text, /attempts\)/);
        assert.ok(ms <= BOUND_MS, `${ms} ms`);
        const ack = await r.call('thruk_acknowledge', { host: 'web-01', comment: 'tls' });
        assert.equal(ack.isError, true, ack.text);
        assert.match(ack.text, /TLS/);
        assert.equal(tls.handshakes(), 0);
        assert.equal(tls.requests(), 0);
      });
    },
  );

  it('a certificate for another name (localhost vs 127.0.0.1, CA trusted): isError naming the mismatch', { skip }, async () => {
    await withTls({ caFile: cert?.certFile }, 'localhost', async (r, tls) => {
      const res = await r.call('thruk_totals', {});
      assert.equal(res.isError, true, res.text);
      assert.match(res.text, /does not match the host name|ERR_TLS_CERT_ALTNAME_INVALID/);
      assert.match(res.text, /THRUK_CA_FILE|THRUK_BASE_URL/);
      assert.equal(tls.requests(), 0);
    });
  });

  it('control: with THRUK_CA_FILE naming the certificate the same server answers', { skip }, async () => {
    await withTls({ caFile: cert?.certFile }, '127.0.0.1', async (r, tls) => {
      const res = await r.call('thruk_totals', {});
      assert.notEqual(res.isError, true, res.text);
      assert.match(res.text, /Hosts total/);
      assert.ok(tls.requests() >= 1);
    });
  });

  after(() => cert?.remove());
});

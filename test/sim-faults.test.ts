/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';

const KEY = 'faultkey';
const req = (path: string, init: RequestInit = {}): Request =>
  new Request(`http://sim.invalid/demo/thruk/r${path}`, {
    ...init,
    headers: { 'X-Thruk-Auth-Key': KEY, ...(init.headers as Record<string, string> | undefined) },
  });

describe('faults', () => {
  it('status faults answer Thruk-style JSON with Retry-After, a limited number of times', async () => {
    const s = createSimulator({ apiKey: KEY });
    s.injectFault({ match: '/hosts', status: 503, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await s.fetch(req('/hosts/totals'));
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '7');
      const body: any = await r.json();
      assert.equal(body.code, 503);
      assert.equal(body.failed, true);
    }
    assert.equal((await s.fetch(req('/hosts/totals'))).status, 200);
  });

  it('match by string prefix or RegExp; remover and clearFaults', async () => {
    const s = createSimulator({ apiKey: KEY });
    const remove = s.injectFault({ match: /^\/services\/[^/]+$/, status: 500 });
    assert.equal((await s.fetch(req('/services/totals'))).status, 500);
    assert.equal((await s.fetch(req('/hosts/totals'))).status, 200);
    remove();
    assert.equal((await s.fetch(req('/services/totals'))).status, 200);
    s.injectFault({ status: 502 });
    assert.equal((await s.fetch(req('/thruk'))).status, 502);
    s.clearFaults();
    assert.equal((await s.fetch(req('/thruk'))).status, 200);
  });

  it('malformed and truncated bodies', async () => {
    const s = createSimulator({ apiKey: KEY });
    s.injectFault({ match: '/hosts', malformedJson: true, times: 1 });
    const bad = await s.fetch(req('/hosts'));
    assert.equal(bad.status, 200);
    await assert.rejects(bad.json());
    const full = await (await s.fetch(req('/hosts?columns=name'))).text();
    s.injectFault({ match: '/hosts', truncated: true, times: 1 });
    const cut = await (await s.fetch(req('/hosts?columns=name'))).text();
    assert.equal(cut, full.slice(0, Math.floor(full.length / 2)));
    assert.throws(() => JSON.parse(cut));
  });

  it('connection reset rejects like undici', async () => {
    const s = createSimulator({ apiKey: KEY });
    s.injectFault({ reset: true, times: 1 });
    await assert.rejects(
      s.fetch(req('/hosts')),
      (err: any) => err instanceof TypeError && err.message === 'fetch failed' && (err.cause as any)?.code === 'ECONNRESET',
    );
    assert.equal((await s.fetch(req('/hosts'))).status, 200);
  });

  it('latency honours the abort signal', async () => {
    const s = createSimulator({ apiKey: KEY });
    s.injectFault({ latencyMs: 40, times: 1 });
    const t0 = Date.now();
    assert.equal((await s.fetch(req('/thruk'))).status, 200);
    assert.ok(Date.now() - t0 >= 35);
    s.injectFault({ latencyMs: 5000 });
    const ac = new AbortController();
    const pending = s.fetch(req('/thruk', { signal: ac.signal }));
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(pending, (err: any) => err.name === 'AbortError');
  });

  it('records requests (path after /thruk/r, query and body params, headers), capped', async () => {
    const s = createSimulator({ apiKey: KEY });
    await s.fetch(req('/hosts?columns=name&name=web-01'));
    await s.fetch(
      req('/logs', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'q=time>0&limit=2' }),
    );
    const [a, b] = s.requests;
    assert.equal(a?.path, '/hosts');
    assert.deepEqual(a?.params, [
      ['columns', 'name'],
      ['name', 'web-01'],
    ]);
    assert.equal(a?.headers['x-thruk-auth-key'], KEY);
    assert.equal(b?.method, 'POST');
    assert.deepEqual(b?.params, [
      ['q', 'time>0'],
      ['limit', '2'],
    ]);
    assert.equal(b?.body, 'q=time>0&limit=2');
    for (let i = 0; i < 1005; i++) await s.fetch(req('/thruk'));
    assert.equal(s.requests.length, 1000);
  });
});

describe('size', () => {
  it('scales to 50 000 hosts / ~500 000 services and answers totals quickly', async () => {
    const t0 = Date.now();
    const s = createSimulator({ apiKey: KEY, hosts: 50_000 });
    const built = Date.now() - t0;
    assert.equal(s.state.hosts.length, 50_000);
    assert.ok(s.state.services.length > 450_000, String(s.state.services.length));
    const t1 = Date.now();
    const hosts: any = await (await s.fetch(req('/hosts/totals'))).json();
    const services: any = await (await s.fetch(req('/services/totals'))).json();
    const count: any = await (await s.fetch(req('/services?columns=count(*)'))).json();
    const answered = Date.now() - t1;
    assert.equal(hosts.total, 50_000);
    assert.equal(hosts.up + hosts.down + hosts.unreachable + hosts.pending, 50_000);
    assert.equal(services.total, s.state.services.length);
    assert.equal(count['count(*)'], s.state.services.length);
    assert.ok(answered < 3000, `three whole-estate queries took ${answered} ms`);
    const one: any = await (await s.fetch(req('/hosts/web-01-0345?columns=name,parents'))).json();
    assert.deepEqual(one, [{ name: 'web-01-0345', parents: ['dist-switch-01-0345'] }]);
    assert.ok(built < 8000, `building took ${built} ms`);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { estimateTokens } from '../src/tools/lib/format.js';
import { normalisePath } from '../src/tools/discovery/describe.js';
import { connect, CURRENT_ERA, type Harness, rest } from './helpers/loose.js';

const noNulls = (text: string) => assert.ok(!/\bundefined\b|NaN/.test(text), `no undefined in:\n${text}`);

describe('thruk_describe path normalisation', () => {
  it('accepts table names, singulars, paths and pasted REST URLs', () => {
    assert.equal(normalisePath('hosts'), '/hosts');
    assert.equal(normalisePath(' Host '), '/hosts');
    assert.equal(normalisePath('/services/'), '/services');
    assert.equal(normalisePath('thruk/r/v1/downtimes'), '/downtimes');
    assert.equal(normalisePath('/r/hosts/stats?columns=up'), '/hosts/stats');
    assert.equal(normalisePath('lmd/sites'), '/lmd/sites');
  });
});

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`discovery toolset over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it("without arguments lists the read endpoints from Thruk's own /index and the filter language", async () => {
      const index = (await rest(h, '/index')) as Array<{ url: string; protocol: string }>;
      const r = await h.call('thruk_describe');
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.kind, 'endpoints');
      const urls = r.structured.endpoints.map((e: any) => e.url);
      for (const u of ['/hosts', '/services', '/downtimes', '/comments', '/logs', '/hosts/<name>/services', '/sites', '/processinfo'])
        assert.ok(urls.includes(u), u);
      assert.ok(
        urls.every((u: string) => index.some((x) => x.url === u && x.protocol === 'GET')),
        'only GET endpoints Thruk lists',
      );
      assert.ok(
        !urls.some(
          (u: string) => u.includes('/cmd') || u.includes('config') || u === '/' || u === '/index' || u.startsWith('/thruk/api_keys'),
        ),
      );
      assert.match(
        r.text,
        /^Thruk REST read endpoints \(GET, relative to \/thruk\/r\), \d+:\n(Note: .*\n)*\/alerts — /,
        'notes stand under the headline',
      );
      assert.match(r.text, /Note: q=… expression: .*parenthesise/);
      assert.match(r.text, /Do not send limit with sort/);
      noNulls(r.text);
    });

    it('describes a table from a sampled row: every key, its type, an example and what it means', async () => {
      const [row] = await rest(h, '/hosts', { limit: '1' });
      const r = await h.call('thruk_describe', { what: 'hosts' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.kind, 'table');
      assert.equal(r.structured.sampled, true);
      const names = r.structured.columns.map((c: any) => c.name);
      const perf = (row.perf_data_expanded as Array<{ name: string }>).map((p) => p.name);
      const expectKeys = Object.keys(row).filter((k) => !k.startsWith('_') && !perf.includes(k) && !perf.some((p) => k === `${p}_unit`));
      assert.deepEqual(names, expectKeys);
      const state = r.structured.columns.find((c: any) => c.name === 'state');
      assert.equal(state.type, 'integer');
      assert.match(state.note, /0 UP, 1 DOWN, 2 UNREACHABLE/);
      assert.equal(r.structured.columns.find((c: any) => c.name === 'last_check').type, 'epoch seconds');
      assert.match(r.structured.columns.find((c: any) => c.name === 'acknowledged').note, /true\/false here; Naemon answers 0\/1/);
      assert.equal(r.structured.columns.find((c: any) => c.name === 'check_command').example, '(not shown)');
      assert.deepEqual(
        r.structured.custom_variables,
        Object.keys(row).filter((k) => k.startsWith('_')),
      );
      assert.deepEqual(r.structured.perf_labels, perf);
      assert.match(r.text, /^\/hosts: \d+ columns in a sampled row\n(Note: .*\n)*column \| type \| example \| note\n/);
      assert.match(r.text, /Note: Real Livestatus columns Thruk does not fetch, so they come back null: acknowledgement_type, hard_state/);
      assert.match(r.text, /Note: Custom variables on this row: _[A-Z_]+/);
      assert.ok(estimateTokens(r.text) <= h.config.maxAnswerTokens);
      const svc = await h.call('thruk_describe', { what: '/services/' });
      assert.ok(svc.structured.host_custom_variables.includes('_HOSTOS'));
      assert.match(svc.structured.columns.find((c: any) => c.name === 'state').note, /0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN/);
      const dt = await h.call('thruk_describe', { what: 'Downtime' });
      assert.equal(dt.structured.path, '/downtimes');
      assert.match(
        dt.structured.columns.find((c: any) => c.name === 'service_description').note,
        /null \(Icinga 2\) or "" \(Naemon\) for a host downtime/,
      );
      const stats = await h.call('thruk_describe', { what: 'hosts/stats' });
      assert.match(stats.text, /^\/hosts\/stats: \d+ keys in a sampled answer/);
    });

    it('caches per process: a second call does not ask Thruk again', async () => {
      await h.call('thruk_describe', { what: 'services' });
      const before = h.sim.requests.length;
      const again = await h.call('thruk_describe', { what: 'service' });
      assert.equal(again.structured.path, '/services');
      assert.equal(h.sim.requests.length, before);
      await h.call('thruk_describe');
      const idx = h.sim.requests.length;
      await h.call('thruk_describe');
      assert.equal(h.sim.requests.length, idx);
    });

    it('falls back to documented columns for an empty table, without caching the fallback', async () => {
      const r = await h.call('thruk_describe', { what: 'lmd/sites' });
      assert.equal(r.structured.sampled, false);
      assert.ok(r.structured.columns.some((c: any) => c.name === 'response_time'));
      assert.match(r.text, /No row to sample; these are Thruk's documented default columns/);
      const n = h.sim.requests.length;
      await h.call('thruk_describe', { what: 'lmd/sites' });
      assert.equal(h.sim.requests.length, n + 1, 'asked again');
    });

    it('describes an endpoint with parameters from /index, and points to its table', async () => {
      const r = await h.call('thruk_describe', { what: '/hosts/web-01/availability' });
      assert.equal(r.structured.kind, 'endpoint');
      assert.deepEqual(
        r.structured.endpoints.map((e: any) => e.url),
        ['/hosts/<name>/availability'],
      );
      assert.match(r.text, /use thruk_describe what="hosts"/);
      const under = await h.call('thruk_describe', { what: '/thruk/api_keys' });
      assert.equal(under.isError, undefined, under.text);
      assert.ok(!h.sim.requests.some((q) => q.path === '/thruk/api_keys' && q.method === 'GET'), 'described, never fetched');
    });

    it('refuses unknown and hostile names without ever building a URL from them', async () => {
      for (const what of ['../../etc/passwd', `a"b'c`, 'ünïcode', 'hostz', '/hosts/../thruk/api_keys', '%2e%2e']) {
        const r = await h.call('thruk_describe', { what });
        assert.equal(r.isError, true, `${what}: ${r.text}`);
        assert.match(r.text, /is not a Thruk table or endpoint/);
      }
      const near = await h.call('thruk_describe', { what: 'hostz' });
      assert.match(near.text, /Did you mean '\/hosts'/);
      assert.ok(!h.sim.requests.some((q) => /\.\.|etc|ünï|hostz|%2e/i.test(q.path)));
      const nl = await h.call('thruk_describe', { what: 'hosts\nx' });
      assert.equal(nl.isError, true);
      assert.match(nl.text, /what: /);
    });
  });
}

describe('thruk_describe when Thruk has no /index, and under a small budget', () => {
  it('falls back to the endpoints it knows and tries /index again next time', async () => {
    const h = await connect();
    try {
      const off = h.sim.injectFault({ match: /^\/(index)?$/, status: 404 });
      const r = await h.call('thruk_describe');
      assert.equal(r.isError, undefined, r.text);
      assert.match(r.text, /Thruk did not answer \/index; these are the endpoints this server knows/);
      assert.ok(r.structured.endpoints.some((e: any) => e.url === '/hosts'));
      off();
      const again = await h.call('thruk_describe');
      assert.ok(!again.text.includes('did not answer'));
      assert.ok(again.structured.endpoints.some((e: any) => e.url === '/hosts/<name>/services'));
    } finally {
      await h.close();
    }
  });

  it('stays within the answer budget and names what it left out', async () => {
    const h = await connect({ config: { maxAnswerTokens: 600 } });
    try {
      const r = await h.call('thruk_describe', { what: 'services' });
      assert.ok(estimateTokens(r.text) <= 700, `${estimateTokens(r.text)} tokens`);
      assert.match(r.text, /\d+ more not detailed \(answer budget\): /);
      assert.ok(r.structured.columns.length > 100, 'structured content keeps every column');
    } finally {
      await h.close();
    }
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parsePerfData } from '../src/tools/lib/perfdata.js';
import { connect, CURRENT_ERA, type Harness } from './helpers/loose.js';

/** Ask the simulator directly (the ground truth our tools must agree with). */
async function rest(h: Harness, path: string, params: Array<[string, string]> = []): Promise<any> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  assert.equal(res.status, 200, `${path} → ${res.status}`);
  return res.json();
}

const noNulls = (text: string) => assert.ok(!/\bnull\b|undefined|NaN/.test(text), `no nulls in text:\n${text}`);

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`perfdata toolset over the ${era} protocol era`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ era });
    });
    after(async () => {
      await h.close();
    });

    it('lists the perfdata tools as read-only with output schemas', async () => {
      const { tools } = await h.client.listTools();
      for (const n of ['thruk_get_perfdata', 'thruk_perfdata_snapshot', 'thruk_perfdata_near_threshold']) {
        const t = tools.find((x) => x.name === n);
        assert.ok(t, `missing ${n}`);
        assert.equal(t.annotations?.readOnlyHint, true);
        assert.ok(t.outputSchema);
      }
    });

    it("thruk_get_perfdata parses a service's perf data exactly as Thruk stores it", async () => {
      const [truth] = (await rest(h, '/services', [
        ['host_name', 'db-03'],
        ['description', 'disk /'],
        ['columns', 'perf_data,state'],
      ])) as Array<{ perf_data: string; state: number }>;
      const r = await h.call('thruk_get_perfdata', { host: 'db-03', service: 'disk /' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.perf_data, truth!.perf_data);
      const parsed = parsePerfData(truth!.perf_data).metrics;
      assert.deepEqual(
        r.structured.metrics.map((m: any) => [m.label, m.value, m.uom, m.warn, m.crit]),
        parsed.map((m) => [m.label, m.value, m.uom, m.warn, m.crit]),
      );
      const disk = r.structured.metrics[0];
      assert.deepEqual(disk.warn_range, { start: 0, end: Number(disk.warn), inside: false });
      assert.equal(disk.breached, truth!.state === 1 ? 'warning' : truth!.state === 2 ? 'critical' : 'ok');
      assert.match(
        r.text,
        /^service db-03 \/ disk \/ \(\w+\): 1 metric\nmetric \| value \| warn \| crit \| min\.\.max \| breached\n\/ \| \d+MB \(/,
      );
      noNulls(r.text);
    });

    it("thruk_get_perfdata without service gives the host check's metrics", async () => {
      const [truth] = (await rest(h, '/hosts', [
        ['name', 'web-01'],
        ['columns', 'perf_data'],
      ])) as Array<{ perf_data: string }>;
      const r = await h.call('thruk_get_perfdata', { host: 'web-01' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.service, undefined);
      assert.deepEqual(
        r.structured.metrics.map((m: any) => m.label),
        parsePerfData(truth!.perf_data).metrics.map((m) => m.label),
      );
      assert.match(r.text, /^host web-01 \(UP\): 2 metrics/);
    });

    it('thruk_get_perfdata says so when there is no perf data, and keeps quoted labels', async () => {
      const none = (await rest(h, '/services', [
        ['perf_data', ''],
        ['columns', 'host_name,description'],
      ])) as Array<{ host_name: string; description: string }>;
      assert.ok(none.length > 0, 'the estate has services without perf data');
      const r = await h.call('thruk_get_perfdata', { host: none[0]!.host_name, service: none[0]!.description });
      assert.equal(r.isError, undefined, r.text);
      assert.deepEqual(r.structured.metrics, []);
      assert.match(r.text, /reports no performance data\.$/);
      const win = (await rest(h, '/services', [
        ['description', 'disk C:'],
        ['columns', 'host_name'],
      ])) as Array<{ host_name: string }>;
      const c = await h.call('thruk_get_perfdata', { host: win[0]!.host_name, service: 'disk C:' });
      assert.equal(c.structured.metrics[0].label, 'C:\\ used');
      assert.match(c.text, /'C:\\ used' \|/);
    });

    it('unknown and hostile names are errors with a hint, never a crash', async () => {
      const miss = await h.call('thruk_get_perfdata', { host: 'db-03', service: 'disk' });
      assert.equal(miss.isError, true);
      assert.match(miss.text, /No service on host 'db-03' named 'disk'\. Did you mean 'disk \/'/);
      const host = await h.call('thruk_get_perfdata', { host: 'web01' });
      assert.match(host.text, /No host named 'web01'\. Did you mean 'web-01'/);
      for (const name of ['..', '.', '/', 'a\'b"c\\d', 'é/../x', 'web-01 OR 1=1']) {
        const r = await h.call('thruk_get_perfdata', { host: name, service: name });
        assert.equal(r.isError, true, name);
        assert.match(r.text, /No host named/, name);
      }
      const nl = await h.call('thruk_get_perfdata', { host: 'web-01\nGET /x' });
      assert.equal(nl.isError, true);
      assert.match(nl.text, /line breaks/);
    });

    it('thruk_perfdata_snapshot lists every service with perf data, paged in host/service order', async () => {
      const truth = (await rest(h, '/services', [
        ['columns', 'host_name,description,perf_data'],
        ['sort', 'host_name,description'],
      ])) as Array<{ host_name: string; description: string; perf_data: string }>;
      const withPerf = truth.filter((s) => s.perf_data !== '');
      const r = await h.call('thruk_perfdata_snapshot', { limit: 10, offset: 10 });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.total, withPerf.length);
      assert.deepEqual(
        r.structured.rows.map((x: any) => `${x.host}/${x.service}`),
        withPerf.slice(10, 20).map((s) => `${s.host_name}/${s.description}`),
      );
      assert.equal(r.structured.next_offset, 20);
      for (const row of r.structured.rows) {
        const src = withPerf.find((s) => s.host_name === row.host && s.description === row.service)!;
        assert.deepEqual(
          row.metrics.map((m: any) => m.value),
          parsePerfData(src.perf_data).metrics.map((m) => m.value),
        );
      }
      assert.match(r.text, new RegExp(`^perf data of services 11-20 of ${withPerf.length}\nhost \\| service \\| state \\| metrics\n`));
      assert.match(r.text, /Next page: offset=20\.$/);
      noNulls(r.text);
    });

    it('thruk_perfdata_snapshot filters like thruk_list_services and reports empty results', async () => {
      const r = await h.call('thruk_perfdata_snapshot', { filter: { field: 'host', value: 'db-03' } });
      const truth = (await rest(h, '/services', [
        ['host_name', 'db-03'],
        ['perf_data[ne]', ''],
        ['columns', 'description'],
      ])) as unknown[];
      assert.equal(r.structured.total, truth.length);
      assert.ok(r.structured.rows.every((x: any) => x.host === 'db-03'));
      const hg = await h.call('thruk_perfdata_snapshot', { filter: { field: 'hostgroup', value: 'database-servers' }, limit: 1000 });
      assert.ok(hg.structured.total > 0 && hg.structured.rows.every((x: any) => /^db-/.test(x.host)));
      const none = await h.call('thruk_perfdata_snapshot', { filter: { field: 'host', value: 'no-such-host' } });
      assert.equal(none.isError, undefined);
      assert.equal(none.structured.total, 0);
      assert.equal(none.text, 'No services with performance data matched.');
      const bad = await h.call('thruk_perfdata_snapshot', { filter: { field: 'nope', value: 'x' } });
      assert.equal(bad.isError, true);
    });

    it('thruk_perfdata_near_threshold puts breached metrics first, then least headroom', async () => {
      const r = await h.call('thruk_perfdata_near_threshold', { within_percent: 60, limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      const rows = r.structured.rows as Array<{
        breached: string;
        headroom_percent: number;
        host: string;
        service: string;
        label: string;
        state: string;
      }>;
      assert.equal(rows.length, r.structured.total);
      const rank = (x: { breached: string }) => (x.breached === 'critical' ? 0 : x.breached === 'warning' ? 1 : 2);
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1]!;
        const b = rows[i]!;
        assert.ok(rank(a) < rank(b) || (rank(a) === rank(b) && a.headroom_percent <= b.headroom_percent), `order at ${i}`);
      }
      assert.ok(rows.every((x) => x.headroom_percent <= 60));
      assert.ok(
        rows.some((x) => x.breached === 'ok'),
        'OK metrics within 60% are listed too',
      );
      const disk = rows.find((x) => x.host === 'db-03' && x.service === 'disk /');
      assert.ok(disk && disk.breached === 'warning' && disk.headroom_percent < 0);
      const svcs = (await rest(h, '/services', [
        ['perf_data[ne]', ''],
        ['columns', 'perf_data'],
      ])) as Array<{ perf_data: string }>;
      assert.equal(r.structured.scanned_services, svcs.length);
      assert.equal(
        r.structured.scanned_metrics,
        svcs.reduce((n, s) => n + parsePerfData(s.perf_data).metrics.length, 0),
      );
      assert.match(
        r.text,
        /^metrics within 60% of their threshold, breached first: 1-\d+ of \d+ \(\d+ metrics of \d+ services scanned, \d+ without a reachable threshold\)\n(Note: .*\n)*host \| service \| metric \| value \| warn \| crit \| headroom \| breached \| service state\n/,
      );
      noNulls(r.text);
    });

    it('answers "which disks fill up soonest" and notes plugins whose thresholds disagree with their state', async () => {
      const r = await h.call('thruk_perfdata_near_threshold', {
        filter: { field: 'description', op: 'regex', value: '^disk' },
        within_percent: 100,
      });
      assert.ok(r.structured.rows.length > 0);
      assert.ok(r.structured.rows.every((x: any) => /^disk/.test(x.service)));
      assert.ok(
        r.structured.rows.every((x: any) => x.percent_of_max !== undefined),
        'disks report a max, so % of max is shown',
      );
      const none = await h.call('thruk_perfdata_near_threshold', { within_percent: 0, filter: { field: 'state', value: 'ok' } });
      assert.ok(none.structured.rows.every((x: any) => x.headroom_percent <= 0));
      const all = await h.call('thruk_perfdata_near_threshold', { limit: 1000 });
      if (all.structured.rows.some((x: any) => x.state === 'OK' && x.breached !== 'ok'))
        assert.match(all.text, /Note: \d+ metric\(s\) violate their thresholds .* while the service is OK/);
      const empty = await h.call('thruk_perfdata_near_threshold', { filter: { field: 'host', value: 'no-such-host' } });
      assert.equal(empty.structured.total, 0);
      assert.match(empty.text, /^No metric within 10% of its threshold \(0 metrics of 0 services scanned/);
    });

    it('cuts pages to the answer budget and says how to get the rest', async () => {
      const small = await connect({ era, config: { maxAnswerTokens: 600 } });
      try {
        const r = await small.call('thruk_perfdata_snapshot', { limit: 1000 });
        assert.equal(r.structured.truncated, true);
        assert.ok(r.structured.returned < r.structured.total);
        assert.equal(r.structured.next_offset, r.structured.returned);
        assert.match(r.text, /more not shown \(cut to fit the answer budget.*\)\. Next page: offset=\d+\./);
        const n = await small.call('thruk_perfdata_near_threshold', { within_percent: 1000, limit: 1000 });
        assert.equal(n.structured.truncated, true);
        assert.match(n.text, /Next page: offset=/);
      } finally {
        await small.close();
      }
    });
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** thruk_flap_summary against raw log rows: table shape, changes vs alerts, and what counts as flapping. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { connect, type Harness } from './helpers/harness.js';

/** Reference: state changes of one object's alert rows (options `host[;svc];STATE;TYPE;attempt;…`). */
function changes(rows: Array<{ options: string; service_description: string | null }>): number {
  let n = 0;
  let prev: string | undefined;
  for (const r of rows) {
    const f = r.options.split(';');
    const svc = r.service_description !== null && r.service_description !== '';
    const st = f[svc ? 2 : 1];
    const attempt = Number(f[svc ? 4 : 3]);
    if (prev === undefined ? attempt === 1 : st !== prev) n++;
    prev = st;
  }
  return n;
}

describe('thruk_flap_summary', () => {
  let h: Harness;
  let inner: (req: Request) => Promise<Response>;
  /** The simulator's own answer (not through the misbehaving front). */
  const rest = async (_h: Harness, path: string, params: Record<string, string>): Promise<any> => {
    const url = new URL(`http://sim.invalid/demo/thruk/r${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
    const res = await inner(new Request(url, { headers: { 'X-Thruk-Auth-Key': 'demo' } }));
    assert.equal(res.status, 200);
    return res.json();
  };
  before(async () => {
    const sim = createSimulator({ apiKey: 'demo' });
    // A Thruk that answers more than the FLAPPING ALERT rows asked for (seen on a real Thruk:
    // downtime alerts and HARD state alerts came back): the tool must still count only those.
    inner = sim.fetch.bind(sim);
    sim.fetch = (req: Request) => {
      const u = new URL(req.url);
      if (u.pathname.endsWith('/logs') && (u.searchParams.get('type[regex]') ?? '').includes('FLAPPING')) {
        u.searchParams.delete('type[regex]');
        return inner(new Request(u, req));
      }
      return inner(req);
    };
    h = await connect({ simulator: sim });
  });
  after(async () => {
    await h.close();
  });

  it('has one cell per header column on every row, changes counted from the raw alerts, only FLAPPING ALERTs as flapping', async () => {
    const r = await h.call('thruk_flap_summary', { since: '-7d', limit: 50 });
    assert.equal(r.isError, undefined, r.text);
    const lines = r.text.split('\n');
    const hi = lines.findIndex((l) => l.startsWith('object | changes'));
    assert.ok(hi > 0, r.text);
    const width = (lines[hi] ?? '').split(' | ').length;
    for (const l of lines.slice(hi + 1, hi + 1 + r.structured.returned))
      assert.equal(l.split(' | ').length, width, `row has as many cells as the header: ${l}`);

    const since = Math.floor(Date.parse(r.structured.since) / 1000);
    const until = Math.floor(Date.parse(r.structured.until) / 1000);
    for (const row of r.structured.results) {
      const raw = await rest(h, '/logs', {
        class: '1',
        'type[regex]': '^(HOST|SERVICE) ALERT$',
        'time[gte]': String(since),
        'time[lte]': String(until),
        sort: 'time',
        columns: 'options,service_description,host_name',
        'message[regex]': `: ${row.host};${row.service ? `${row.service};` : ''}`,
      });
      const mine = raw.filter(
        (x: any) =>
          x.options.split(';')[0] === row.host &&
          (row.service ? x.options.split(';')[1] === row.service : x.service_description === null || x.service_description === ''),
      );
      assert.equal(row.alert_count, mine.length, `${row.host}/${row.service ?? ''} alerts`);
      assert.equal(row.transition_count, changes(mine), `${row.host}/${row.service ?? ''} changes`);
    }

    const flapRows = await rest(h, '/logs', {
      class: '1',
      'type[regex]': '^(HOST|SERVICE) FLAPPING ALERT$',
      'time[gte]': String(since),
      'time[lte]': String(until),
      columns: 'options,type',
    });
    const objects = new Set(
      flapRows.map((x: any) => (/SERVICE/.test(x.type) ? x.options.split(';').slice(0, 2).join('/') : x.options.split(';')[0])),
    );
    assert.ok(objects.size > 0, 'the demo has FLAPPING ALERT rows');
    assert.equal(r.structured.total_flapping_alert_objects, objects.size);
    const started = flapRows.filter((x: any) => /;STARTED;/.test(x.options)).length;
    assert.equal(
      r.structured.flapping_alerts.reduce((s: number, f: any) => s + f.started, 0),
      started,
    );
    assert.match(r.text, new RegExp(`${objects.size} objects? with FLAPPING ALERT events`));
  });
});

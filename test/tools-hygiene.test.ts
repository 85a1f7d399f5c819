/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addComment, deleteDowntime } from '../src/sim/mutate.js';
import type { SimulatorOptions } from '../src/sim/index.js';
import { allTools } from '../src/tools/core/registry.js';
import { connect, CURRENT_ERA, rest, type Harness } from './helpers/loose.js';

/**
 * thruk_hygiene against the simulator's own REST rows. Core flavours are a parameter: the log
 * parsing quirk of Icinga 2 (host_name empty on host rows) matters for ended downtimes. Add a
 * flavour here once the simulator offers core flavours, e.g.
 * `{ name: 'icinga2 core', sim: { sites: [{ key: 'icinga', core: 'icinga2', estate: 'default' }] }, downtimeComments: false }`
 * (Icinga 2 writes no downtime comments; Naemon does).
 */
const FLAVOURS: ReadonlyArray<{ name: string; sim: SimulatorOptions; downtimeComments: boolean }> = [
  { name: 'naemon log rows', sim: { logQuirks: 'naemon' }, downtimeComments: true },
  { name: 'icinga2 log rows', sim: { logQuirks: 'icinga2' }, downtimeComments: true },
  // The simulator's own core flavours (booleans 0/1 vs true/false, "" vs null, downtime comments).
  { name: 'icinga2 core', sim: { sites: [{ key: 'icinga', core: 'icinga2', estate: 'default' }] }, downtimeComments: false },
  { name: 'naemon core', sim: { sites: [{ key: 'naemon', core: 'naemon', estate: 'default' }] }, downtimeComments: true },
];

const nowSec = () => Math.floor(Date.now() / 1000);
const objKey = (host: unknown, service: unknown) => `${String(host)}|${typeof service === 'string' ? service : ''}`;
const byName = new Map(allTools().map((t) => [t.name, t]));

/** Every suggested call must be one the write tool accepts as it stands. */
function assertValidNext(rows: any[]): number {
  let n = 0;
  for (const r of rows) {
    if (r.next === undefined) continue;
    const tool = byName.get(r.next.tool);
    assert.ok(tool !== undefined, `unknown tool ${r.next.tool}`);
    assert.notEqual(tool.access, 'read', `${r.next.tool} is a write tool`);
    const parsed = tool.input.safeParse(r.next.args);
    assert.ok(parsed.success, `${r.next.tool} ${JSON.stringify(r.next.args)}: ${parsed.success ? '' : parsed.error.message}`);
    n++;
  }
  return n;
}

async function failing(h: Harness): Promise<Map<string, any>> {
  const hosts = await rest(h, '/hosts', {
    'state[ne]': '0',
    has_been_checked: '1',
    columns: 'name,state,acknowledged,scheduled_downtime_depth',
  });
  const svcs = await rest(h, '/services', {
    'state[ne]': '0',
    has_been_checked: '1',
    columns: 'host_name,description,state,acknowledged,scheduled_downtime_depth,last_time_ok',
  });
  const out = new Map<string, any>();
  for (const r of hosts) out.set(objKey(r.name, null), r);
  for (const r of svcs) out.set(objKey(r.host_name, r.description), r);
  return out;
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  for (const flavour of FLAVOURS) {
    describe(`thruk_hygiene (${era} era, ${flavour.name})`, () => {
      let h: Harness;
      before(async () => {
        h = await connect({ era, sim: flavour.sim });
      });
      after(async () => {
        await h.close();
      });
      const site = () => h.sim.state.sites[0]!;

      it('upcoming: exactly the downtimes that start within the window, by the raw /downtimes rows', async () => {
        const now = nowSec();
        const raw = await rest(h, '/downtimes', { columns: 'id,start_time' });
        const want = raw
          .filter((d: any) => d.start_time > now && d.start_time <= now + 86400)
          .map((d: any) => d.id)
          .sort();
        assert.ok(want.length > 0, 'the estate has an upcoming downtime (db-03 tomorrow)');
        const r = await h.call('thruk_hygiene', { check: 'upcoming' });
        assert.equal(r.isError, undefined, r.text);
        assert.deepEqual(r.structured.rows.map((x: any) => x.next.args.downtime_id).sort(), want);
        assert.equal(r.structured.counts.upcoming, want.length);
        assert.match(r.text, /thruk_delete_downtime \{"downtime_id":\d+,"host":"db-03"\}/);
        // A window that ends before tomorrow's start sees none.
        const short = await h.call('thruk_hygiene', { check: 'upcoming', window: '1m' });
        assert.equal(short.structured.total, raw.filter((d: any) => d.start_time > now && d.start_time <= now + 60).length);
      });

      it('ending: active downtimes ending within the window on objects still failing', async () => {
        const now = nowSec();
        const bad = await failing(h);
        const raw = await rest(h, '/downtimes', { columns: 'id,host_name,service_description,start_time,end_time' });
        const want = raw.filter(
          (d: any) =>
            d.start_time <= now && d.end_time >= now && d.end_time <= now + 86400 && bad.has(objKey(d.host_name, d.service_description)),
        );
        assert.ok(want.length > 0, 'lb-01 http-vip is WARNING in a downtime ending in 2h');
        const r = await h.call('thruk_hygiene', { check: 'ending' });
        assert.equal(r.isError, undefined, r.text);
        const got = r.structured.rows.filter((x: any) => x.detail.startsWith('downtime #'));
        assert.deepEqual(
          got.map((x: any) => objKey(x.host, x.service)).sort(),
          want.map((d: any) => objKey(d.host_name, d.service_description)).sort(),
        );
        for (const x of got) {
          assert.equal(x.next.tool, 'thruk_schedule_downtime');
          const d = want.find((w: any) => objKey(w.host_name, w.service_description) === objKey(x.host, x.service));
          assert.equal(Date.parse(x.next.args.start_time) / 1000, d.end_time, 'the extension starts where the downtime ends');
        }
        assertValidNext(r.structured.rows);
      });

      it('ending: a downtime that ended (core log) on a failing, unhandled host is listed until it is acknowledged', async () => {
        const s = site();
        const host = s.hostByName.get('win-app-01')!;
        assert.notEqual(host.state, 0);
        // Schedule through the API (as an operator would), then let the core stop it.
        const sched = await h.call('thruk_schedule_downtime', { host: 'win-app-01', comment: 'ERP swap', duration_minutes: 60 });
        assert.equal(sched.isError, undefined, sched.text);
        const dt = s.downtimes.find((d) => d.hostName === 'win-app-01')!;
        assert.ok(deleteDowntime(s, dt.id, nowSec(), 'STOPPED', true));
        // From a file start (the previous hour's): Icinga 2's log index skips the file that began before a window.
        const logRows = await rest(h, '/logs', {
          'time[gte]': String(Math.floor((nowSec() - 3600) / 3600) * 3600),
          type: 'HOST DOWNTIME ALERT',
          columns: 'time,message',
        });
        assert.ok(
          logRows.some((l: any) => /win-app-01;STOPPED;/.test(l.message)),
          'the core logged the end',
        );
        const r = await h.call('thruk_hygiene', { check: 'ending' });
        const row = r.structured.rows.find((x: any) => x.host === 'win-app-01' && x.service === null);
        assert.ok(row, r.text);
        assert.match(row.detail, /^downtime ended/);
        assert.equal(row.next.tool, 'thruk_acknowledge');
        assertValidNext([row]);
        // Doing what the row says takes it off the list, and the note counts it as handled.
        const ack = await h.call('thruk_acknowledge', row.next.args);
        assert.equal(ack.isError, undefined, ack.text);
        const again = await h.call('thruk_hygiene', { check: 'ending' });
        assert.ok(!again.structured.rows.some((x: any) => x.host === 'win-app-01' && x.service === null), again.text);
        assert.match(again.text, /Note: 1 objects whose downtime ended are still failing but acknowledged/);
      });

      it('stale_acks: the rows of thruk_stale_acks (still callable), with the call that removes each ack', async () => {
        const acked = [...(await failing(h)).values()].filter((r: any) => r.acknowledged === 1 || r.acknowledged === true);
        const folded = await h.call('thruk_hygiene', { check: 'stale_acks', min_days: 0 });
        const old = await h.call('thruk_stale_acks', { min_days: 0 });
        assert.equal(old.isError, undefined, old.text);
        const keys = (rows: any[]) => rows.map((x) => objKey(x.host, x.service)).sort();
        assert.deepEqual(keys(folded.structured.rows), keys(old.structured.rows));
        assert.deepEqual(keys(folded.structured.rows), acked.map((r: any) => objKey(r.name ?? r.host_name, r.description)).sort());
        for (const x of folded.structured.rows)
          assert.deepEqual(x.next, {
            tool: 'thruk_remove_acknowledgement',
            args: { host: x.host, ...(x.service !== null ? { service: x.service } : {}) },
          });
        assert.equal(assertValidNext(folded.structured.rows), acked.length);
        const week = await h.call('thruk_hygiene', { check: 'stale_acks' });
        assert.equal(week.structured.total, (await h.call('thruk_stale_acks', {})).structured.total);
      });

      it('never_ok: services whose last_time_ok is 0 by the raw rows; pending ones are not counted', async () => {
        const svc = site()
          .hostByName.get('app-02')!
          .services.find((x) => x.description === 'memory')!;
        assert.notEqual(svc.state, 0);
        svc.setLastTime(0, 0);
        const raw = await rest(h, '/services', {
          last_time_ok: '0',
          'state[ne]': '0',
          has_been_checked: '1',
          columns: 'host_name,description',
        });
        assert.ok(raw.length >= 1);
        const r = await h.call('thruk_hygiene', { check: 'never_ok' });
        assert.equal(r.isError, undefined, r.text);
        assert.deepEqual(
          r.structured.rows.map((x: any) => objKey(x.host, x.service)).sort(),
          raw.map((x: any) => objKey(x.host_name, x.description)).sort(),
        );
        assert.ok(!r.structured.rows.some((x: any) => x.service === 'snapshot-age'), 'the pending service is not "never OK"');
        const row = r.structured.rows.find((x: any) => x.host === 'app-02');
        assert.equal(row.next.tool, 'thruk_acknowledge');
        assertValidNext(r.structured.rows);
      });

      it('orphan_comments: a downtime comment without its downtime, and nothing else; the suggested delete works', async () => {
        const s = site();
        const host = s.hostByName.get('web-01')!;
        const svc = host.services.find((x) => x.description === 'http')!;
        const c = addComment(s, {
          host,
          service: svc,
          author: 'icingaadmin',
          comment: 'This service has been scheduled for fixed downtime from A to B.',
          entryTime: nowSec() - 7200,
          entryType: 2,
          persistent: 0,
          source: 0,
          expires: false,
          expireTime: 0,
        });
        const rawComments = await rest(h, '/comments', { entry_type: '2', columns: 'id,host_name,service_description' });
        const rawDowntimes = await rest(h, '/downtimes', { columns: 'host_name,service_description' });
        const withDowntime = new Set(rawDowntimes.map((d: any) => objKey(d.host_name, d.service_description)));
        const want = rawComments.filter((x: any) => !withDowntime.has(objKey(x.host_name, x.service_description))).map((x: any) => x.id);
        assert.deepEqual(want, [c.id]);
        // Naemon writes a comment with every downtime (matched above, so not listed); Icinga 2 writes none.
        const coreWritesThem = rawDowntimes.length > 0 && rawComments.length > 1;
        if (flavour.downtimeComments) assert.ok(coreWritesThem, "the estate's real downtime comments are matched to their downtimes");
        const r = await h.call('thruk_hygiene', { check: 'orphan_comments' });
        assert.deepEqual(
          r.structured.rows.map((x: any) => x.next.args.comment_id),
          want,
        );
        const next = r.structured.rows[0].next;
        assert.deepEqual(next, { tool: 'thruk_delete_comment', args: { comment_id: c.id, host: 'web-01', service: 'http' } });
        assertValidNext(r.structured.rows);
        const del = await h.call('thruk_delete_comment', { ...next.args, confirm: true });
        assert.equal(del.isError, undefined, del.text);
        assert.ok(!(await rest(h, '/comments', { columns: 'id' })).some((x: any) => x.id === c.id));
        assert.equal((await h.call('thruk_hygiene', { check: 'orphan_comments' })).structured.total, 0);
      });

      it('all: every check counted, rows grouped by check, every suggestion valid, paging said', async () => {
        const r = await h.call('thruk_hygiene', {});
        assert.equal(r.isError, undefined, r.text);
        const c = r.structured.counts;
        assert.deepEqual(Object.keys(c).sort(), ['ending', 'never_ok', 'orphan_comments', 'stale_acks', 'upcoming']);
        const sum = Object.values(c as Record<string, number>).reduce((a, b) => a + b, 0);
        assert.equal(r.structured.total, sum);
        for (const k of Object.keys(c)) assert.equal(r.structured.rows.filter((x: any) => x.check === k).length, c[k], k);
        assert.ok(assertValidNext(r.structured.rows) >= 2);
        assert.ok(!/\bnull\b|undefined|NaN/.test(r.text), r.text);
        const p = await h.call('thruk_hygiene', { limit: 1 });
        assert.equal(p.structured.returned, 1);
        assert.equal(p.structured.next_offset, 1);
        assert.match(p.text, new RegExp(`${sum - 1} more not shown.*offset=1`));
        const scoped = await h.call('thruk_hygiene', { filter: { field: 'hostgroup', value: 'network-devices' } });
        assert.ok(
          scoped.structured.rows.every((x: any) =>
            ['lb-01', 'fw-01', 'branch-router-01', 'branch-ap-01', 'core-switch-01', 'dist-switch-01', 'dist-switch-02'].includes(x.host),
          ),
          scoped.text,
        );
        assert.ok(scoped.structured.rows.some((x: any) => x.host === 'lb-01'));
      });

      it('refuses bad input with an actionable error', async () => {
        const w = await h.call('thruk_hygiene', { window: 'soon' });
        assert.equal(w.isError, true);
        assert.match(w.text, /window/);
        const c = await h.call('thruk_hygiene', { check: 'everything' });
        assert.equal(c.isError, true);
        assert.match(c.text, /check/);
      });
    });
  }
}

describe('thruk_hygiene on two backends', () => {
  let h: Harness;
  before(async () => {
    h = await connect({ sim: { sites: ['east', 'west'] } });
  });
  after(async () => {
    await h.close();
  });
  it('names the backend in every suggested write, so it reaches the right core', async () => {
    const r = await h.call('thruk_hygiene', { check: 'ending' });
    assert.ok(r.structured.rows.length >= 2, r.text);
    assert.deepEqual(new Set(r.structured.rows.map((x: any) => x.next.args.backends)), new Set(['east', 'west']));
    assertValidNext(r.structured.rows);
    assert.match(r.text, /lb-01@east/);
  });
});

describe('thruk_hygiene stale_acks alone on two backends', () => {
  it('still names the backend', async () => {
    const h = await connect({ sim: { sites: ['east', 'west'] } });
    try {
      const r = await h.call('thruk_hygiene', { check: 'stale_acks', min_days: 0 });
      assert.ok(r.structured.rows.length >= 2, r.text);
      assert.ok(
        r.structured.rows.every((x: any) => x.next.args.backends === x.peer_name),
        r.text,
      );
    } finally {
      await h.close();
    }
  });
});

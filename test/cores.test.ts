/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Two cores behind one Thruk (issue 13): the simulator's core flavours against its own state, and
 * the tools on each flavour and on one vs several sites, with numbers checked against raw rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator, TWO_CORES, type CoreFlavour, type Simulator, type SiteSpec } from '../src/sim/index.js';
import { confirmCall, connect, type Harness } from './helpers/loose.js';

const KEY = 'demo';
const FLAVOURS: readonly CoreFlavour[] = ['icinga2', 'naemon', 'nagios4'];

async function rest(sim: Simulator, path: string, params: Record<string, string> = {}, method = 'GET'): Promise<any> {
  const qs = new URLSearchParams(params).toString();
  const init: RequestInit = {
    method,
    headers: { 'X-Thruk-Auth-Key': KEY, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
  };
  const url = method === 'POST' ? `http://sim.invalid/thruk/r${path}` : `http://sim.invalid/thruk/r${path}${qs ? `?${qs}` : ''}`;
  const res = await sim.fetch(new Request(url, method === 'POST' ? { ...init, body: JSON.stringify(params) } : init));
  return res.json();
}

const other = (f: CoreFlavour): CoreFlavour => (f === 'icinga2' ? 'naemon' : 'icinga2');
/** One site of the flavour, or the same with a second core of the other flavour next to it. */
function layouts(f: CoreFlavour): Array<{ label: string; sites: SiteSpec[] }> {
  return [
    { label: 'one site', sites: [{ key: 'core', core: f }] },
    {
      label: 'two sites',
      sites: [
        { key: 'core', core: f },
        { key: 'other', core: other(f) },
      ],
    },
  ];
}

const nagiosLike = (f: CoreFlavour): boolean => f !== 'icinga2';
const cmdParams = (h: Harness): Array<Record<string, string>> =>
  h.sim.requests.filter((r) => /\/cmd(\/|$)/.test(r.path)).map((r) => Object.fromEntries(r.params));

describe('simulator core flavours', () => {
  for (const f of FLAVOURS) {
    it(`${f}: booleans, empty values and ids as that core answers them`, async () => {
      const sim = createSimulator({ apiKey: KEY, sites: [{ key: 'core', core: f }] });
      const hosts = await rest(sim, '/hosts', { columns: 'name,acknowledged,is_flapping,event_handler,modified_attributes_list' });
      assert.ok(hosts.length > 0);
      for (const h of hosts) {
        assert.equal(typeof h.acknowledged, nagiosLike(f) ? 'number' : 'boolean', h.name);
        assert.equal(typeof h.is_flapping, nagiosLike(f) ? 'number' : 'boolean', h.name);
        assert.equal(h.event_handler, nagiosLike(f) ? '' : null);
        assert.deepEqual(h.modified_attributes_list, nagiosLike(f) ? [] : 0);
      }
      const comments = await rest(sim, '/comments');
      const hostComment = comments.find((c: any) => c.service_description === '' || c.service_description === null);
      assert.ok(hostComment, 'a host comment exists');
      assert.equal(hostComment.service_description, nagiosLike(f) ? '' : null);
      assert.equal(typeof hostComment.expires, nagiosLike(f) ? 'number' : 'boolean');
      const downtimes = await rest(sim, '/downtimes');
      assert.ok(downtimes.length > 0);
      for (const d of downtimes) {
        assert.equal(typeof d.fixed, nagiosLike(f) ? 'number' : 'boolean');
        assert.equal(d.triggered_by, nagiosLike(f) ? 0 : null);
        // A fixed downtime's duration: end - start on Naemon, the given value (0) on Icinga 2.
        if (d.fixed) assert.equal(d.duration, nagiosLike(f) ? d.end_time - d.start_time : 0);
      }
      // Naemon keeps one automatic comment (entry_type 2) per downtime; Icinga 2 none.
      const auto = comments.filter((c: any) => c.entry_type === 2);
      assert.equal(auto.length, nagiosLike(f) ? downtimes.length : 0);
    });

    it(`${f}: sticky_ack 1 is ${nagiosLike(f) ? 'sticky (any non-zero is)' : 'not sticky (only 2 is)'}, 0 never, 2 always`, async () => {
      const sim = createSimulator({ apiKey: KEY, sites: [{ key: 'core', core: f }] });
      const site = sim.state.sites[0]!;
      const svc = site.services.find((s) => s.state !== 0 && !s.acknowledged && s.scheduledDowntimeDepth === 0 && s.hasBeenChecked);
      assert.ok(svc);
      for (const [sticky, expected] of [
        ['0', 1],
        ['1', nagiosLike(f) ? 2 : 1],
        ['2', 2],
      ] as const) {
        await rest(
          sim,
          `/services/${encodeURIComponent(svc.host.name)}/${encodeURIComponent(svc.description)}/cmd/acknowledge_svc_problem`,
          { comment_data: 'x', sticky_ack: sticky },
          'POST',
        );
        assert.equal(svc.ackType, expected, `sticky_ack ${sticky}`);
        await rest(
          sim,
          `/services/${encodeURIComponent(svc.host.name)}/${encodeURIComponent(svc.description)}/cmd/remove_svc_acknowledgement`,
          {},
          'POST',
        );
        assert.equal(svc.ackType, 0);
      }
    });
  }

  it('two cores: the same host name on both, ids that overlap, commands on a shared name reach both', async () => {
    const sim = createSimulator({ apiKey: KEY, sites: TWO_CORES });
    const web = await rest(sim, '/hosts/web-01', { columns: 'name,peer_key,acknowledged' });
    assert.deepEqual(web.map((r: any) => r.peer_key).sort(), ['icinga', 'naemon']);
    assert.deepEqual(web.map((r: any) => typeof r.acknowledged).sort(), ['boolean', 'number']);
    const [icinga, naemon] = sim.state.sites;
    const idsI = new Set(icinga!.comments.map((c) => c.id));
    const shared = naemon!.comments.filter((c) => idsI.has(c.id));
    assert.ok(shared.length > 0, 'comment ids overlap between the cores');
    const dtShared = naemon!.downtimes.filter((d) => icinga!.downtimes.some((x) => x.id === d.id));
    assert.ok(dtShared.length > 0, 'downtime ids overlap between the cores');
    const r = await rest(sim, '/hosts/web-01/cmd/schedule_forced_host_check', { start_time: 'now' }, 'POST');
    assert.equal(r.message, 'Command successfully submitted');
    const bad = await rest(sim, '/hosts/no-such-host/cmd/acknowledge_host_problem', { comment_data: 'x' }, 'POST');
    assert.equal(bad.code, 400);
    assert.match(bad.message, /affected backend list is empty/);
  });

  it('log order under limit: Naemon answers its newest rows, Icinga 2 its oldest', async () => {
    const sim = createSimulator({ apiKey: KEY, sites: TWO_CORES });
    const now = Math.floor(Date.now() / 1000);
    const since = now - 6 * 86400;
    for (const [i, key] of [
      [0, 'icinga'],
      [1, 'naemon'],
    ] as const) {
      const site = sim.state.sites[i]!;
      // From a file start (midnight) so Icinga 2's index skips nothing.
      const from = since - (since % 86400);
      const raw = site.logs.filter((e) => e.time >= from && e.time <= now).map((e) => e.time);
      assert.ok(raw.length > 10, `${key} has log rows`);
      const got = await rest(sim, `/sites/${key}/logs`, {
        'time[gte]': String(from),
        'time[lte]': String(now),
        limit: '5',
        columns: 'time',
      });
      const times = got.map((r: any) => r.time).sort((a: number, b: number) => a - b);
      const expected = key === 'naemon' ? raw.slice(-5) : raw.slice(0, 5);
      assert.deepEqual(times, expected, key);
    }
  });

  it("Icinga 2's log index skips the file that began before the window; Naemon's does not", async () => {
    const sim = createSimulator({ apiKey: KEY, sites: TWO_CORES });
    const now = Math.floor(Date.now() / 1000);
    for (const [i, key] of [
      [0, 'icinga'],
      [1, 'naemon'],
    ] as const) {
      const site = sim.state.sites[i]!;
      // A window that starts inside an hour holding rows of this core.
      const row = [...site.logs].reverse().find((e) => e.time < now - 7200 && e.time % 3600 > 60);
      assert.ok(row, `${key}: a row inside an hour`);
      const since = row.time - 1;
      const until = since - (since % 3600) + 3599;
      const raw = site.logs.filter((e) => e.time >= since && e.time <= until).length;
      const got = await rest(sim, `/sites/${key}/logs`, { 'time[gte]': String(since), 'time[lte]': String(until), columns: 'count(*)' });
      assert.ok(raw > 0);
      assert.equal(got['count(*)'], key === 'icinga' ? 0 : raw, key);
    }
  });

  it('Icinga 2 reports last_state_change 0 for a state held since the core started; Naemon never', async () => {
    const sim = createSimulator({ apiKey: KEY, sites: TWO_CORES });
    const [icinga, naemon] = sim.state.sites;
    const first = icinga!.hosts.filter((h) => h.firstState);
    assert.ok(first.length > 0);
    for (const h of first) assert.ok(h.lastStateChange <= icinga!.program.programStart);
    const rows = await rest(sim, '/hosts', { columns: 'name,peer_key,last_state_change', 'state[ne]': '0' });
    for (const r of rows) {
      const site = r.peer_key === 'icinga' ? icinga! : naemon!;
      const h = site.hostByName.get(r.name)!;
      assert.equal(r.last_state_change, h.firstState && r.peer_key === 'icinga' ? 0 : h.lastStateChange, `${r.name}@${r.peer_key}`);
      if (r.peer_key === 'naemon') assert.ok(r.last_state_change > 0);
    }
  });

  it('hostgroup hard-state counters: Naemon leaves them at 0, Icinga 2 counts', async () => {
    const sim = createSimulator({ apiKey: KEY, sites: TWO_CORES });
    const groups = await rest(sim, '/hostgroups', { columns: 'name,num_services_hard_crit,num_services_crit,worst_service_hard_state' });
    const nae = groups.find((g: any) => g.name === 'nae-db');
    assert.ok(nae.num_services_crit > 0, 'nae-db has a CRITICAL service');
    assert.equal(nae.num_services_hard_crit, 0);
    assert.equal(nae.worst_service_hard_state, 0);
    const site = sim.state.sites[0]!;
    for (const g of groups.filter((x: any) => site.hostgroups.some((d) => d.name === x.name))) {
      const raw = site.services.filter(
        (s) => s.host.groups.includes(g.name) && s.hasBeenChecked && s.state === 2 && s.stateType === 1,
      ).length;
      assert.equal(g.num_services_hard_crit, raw, g.name);
    }
  });
});

/** An unacknowledged service problem of the first site (whose host is UP and not in downtime). */
function openProblem(sim: Simulator): { host: string; service: string } {
  const s = sim.state.sites[0]!.services.find(
    (x) =>
      x.state !== 0 &&
      !x.acknowledged &&
      x.scheduledDowntimeDepth === 0 &&
      x.hasBeenChecked &&
      x.host.state === 0 &&
      !/[;]/.test(x.description),
  );
  assert.ok(s, 'an open service problem');
  return { host: s.host.name, service: s.description };
}

describe('tools on each core flavour, one vs several sites', () => {
  for (const f of FLAVOURS) {
    for (const layout of layouts(f)) {
      it(`${f}, ${layout.label}: thruk_acknowledge sends sticky_ack 0 for not sticky and 2 for sticky; the core stores it so`, async () => {
        const h = await connect({ sim: { sites: layout.sites } });
        try {
          const p = openProblem(h.sim);
          const svc = h.sim.state.sites[0]!.findService(p.host, p.service)!;
          const off = await h.call('thruk_acknowledge', { ...p, comment: 'not sticky', sticky: false });
          assert.equal(off.structured.status, 'done', off.text);
          assert.equal(cmdParams(h).at(-1)?.sticky_ack, '0');
          assert.equal(svc.ackType, 1, 'normal (non-sticky) acknowledgement on the core');
          assert.equal((await h.call('thruk_remove_acknowledgement', p)).structured.status, 'done');
          const on = await h.call('thruk_acknowledge', { ...p, comment: 'sticky', sticky: true });
          assert.equal(on.structured.status, 'done', on.text);
          assert.equal(cmdParams(h).at(-1)?.sticky_ack, '2');
          assert.equal(svc.ackType, 2, 'sticky acknowledgement on the core');
          assert.equal((await h.call('thruk_remove_acknowledgement', p)).structured.status, 'done');
          const bulk = await confirmCall(h, 'thruk_bulk_acknowledge', { host: p.host, service: p.service, comment: 'bulk', sticky: false });
          assert.equal(bulk.structured.status, 'done', bulk.text);
          const sent = cmdParams(h).filter((x) => x.cmd?.startsWith('acknowledge_') || x.comment_data === 'bulk');
          assert.equal(sent.at(-1)?.sticky_ack, '0');
          assert.equal(svc.ackType, 1);
        } finally {
          await h.close();
        }
      });

      it(`${f}, ${layout.label}: rows name their core exactly when several cores are configured`, async () => {
        const h = await connect({ sim: { sites: layout.sites } });
        try {
          const several = layout.sites.length > 1;
          const pr = await h.call('thruk_problems', { include_handled: true, limit: 500 });
          const rawHosts = await rest(h.sim, '/hosts', { 'state[ne]': '0', has_been_checked: '1', columns: 'name,peer_name' });
          const rawSvcs = await rest(h.sim, '/services', {
            'state[ne]': '0',
            has_been_checked: '1',
            columns: 'host_name,description,peer_name',
          });
          assert.equal(pr.structured.total, rawHosts.length + rawSvcs.length);
          const lines = pr.text.split('\n').filter((l: string) => / \| /.test(l) && !l.startsWith('host |'));
          assert.equal(lines.length, pr.structured.returned);
          for (const row of pr.structured.rows) assert.equal(typeof row.peer_name, 'string');
          for (const l of lines) assert.equal(/^[^|]+@(core|other) \|/.test(l), several, l);
          const hl = await h.call('thruk_list_hosts', { limit: 500, columns: 'name,state' });
          assert.equal(hl.structured.total, (await rest(h.sim, '/hosts', { columns: 'name' })).length);
          for (const row of hl.structured.rows) assert.equal('peer_name' in row, several, JSON.stringify(row));
          const sl = await h.call('thruk_list_services', { limit: 20 });
          for (const l of sl.text.split('\n').filter((x: string) => / \| /.test(x) && !x.startsWith('host |')))
            assert.equal(/^[^|]+@(core|other) \|/.test(l), several, l);
        } finally {
          await h.close();
        }
      });
    }
  }
});

describe('two cores in one answer', () => {
  it('thruk_get_host for a name on both cores shows one host with its own services and names the other', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const r = await h.call('thruk_get_host', { host: 'web-01' });
      assert.equal(r.isError, undefined, r.text);
      const shown = r.structured.host.peer_name;
      const raw = (await rest(h.sim, '/hosts/web-01/services', { columns: 'description,peer_name' })) as Array<{
        description: string;
        peer_name: string;
      }>;
      const own = raw.filter((s) => s.peer_name === shown);
      assert.ok(own.length > 0 && own.length < raw.length, 'both cores have services of web-01');
      // Only the shown host's services: the namesake on the other core is another host.
      assert.deepEqual(
        r.structured.services.map((s: any) => `${s.description}@${s.peer_name}`).sort(),
        own.map((s) => `${s.description}@${s.peer_name}`).sort(),
      );
      assert.match(r.text, new RegExp(`\\nping@${shown} \\|`));
      const other = shown === 'icinga' ? 'naemon' : 'icinga';
      assert.doesNotMatch(r.text, new RegExp(`\\n\\w[^|\\n]*@${other} \\|`), 'no service of the other core in the table');
      assert.equal(r.structured.others.length, 1);
      const otherState = (
        (await rest(h.sim, '/hosts', { name: 'web-01', columns: 'state,peer_name' })) as Array<{ state: number; peer_name: string }>
      ).find((x) => x.peer_name === other)!;
      assert.match(
        r.text,
        new RegExp(
          `exists on 2 backends \\(icinga, naemon\\): this is the one on ${shown}; also web-01@${other} ${['UP', 'DOWN', 'UNREACHABLE'][otherState.state]} \\(backends="${other}" shows it\\)`,
        ),
      );
    } finally {
      await h.close();
    }
  });

  it('a state the core reports without a change time shows what is known: at least since the core started', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const icinga = h.sim.state.sites[0]!;
      const host = icinga.hosts.find((x) => x.firstState && x.state !== 0 && !h.sim.state.sites[1]!.hostByName.has(x.name))!;
      assert.ok(host);
      const start = icinga.program.programStart;
      const startIso = new Date(start * 1000).toISOString().replace('.000Z', 'Z');
      const r = await h.call('thruk_get_host', { host: host.name });
      assert.match(r.text, new RegExp(`for ≥ [^(]+\\(since the core started at ${startIso}\\)`));
      assert.doesNotMatch(r.text, /for \d+y|56 ?y|1970/);
      const pr = await h.call('thruk_problems', { include_handled: true, limit: 500 });
      const row = pr.structured.rows.find((x: any) => x.kind === 'host' && x.host === host.name);
      assert.equal(row.duration_at_least, true);
      const expected = Math.round(Date.now() / 1000 - start);
      assert.ok(Math.abs(row.duration_s - expected) <= 5, `${row.duration_s} vs ${expected}`);
      assert.match(pr.text, new RegExp(`${host.name}@icinga \\|  \\| DOWN[^|]*\\| ≥`));
    } finally {
      await h.close();
    }
  });

  it('thruk_list_logs: newest N per core merged; a core that hides rows of the window is said first', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const now = Math.floor(Date.now() / 1000);
      const [icinga, naemon] = h.sim.state.sites;
      const row = [...icinga!.logs].reverse().find((e) => e.time < now - 600 && e.time % 3600 > 120 && e.time % 3600 < 3000);
      assert.ok(row, 'an Icinga 2 row inside an hour');
      const since = row.time - 60;
      const held = (site: typeof icinga) => site!.logs.filter((e) => e.time >= since && e.time <= now).length;
      const returned = (
        await rest(h.sim, '/sites/icinga/logs', { 'time[gte]': String(since), 'time[lte]': String(now), columns: 'count(*)' })
      )['count(*)'];
      assert.ok(held(icinga) > returned, 'the Icinga 2 core hides part of this window');
      const r = await h.call('thruk_list_logs', { since: new Date(since * 1000).toISOString(), limit: 30 });
      assert.equal(r.isError, undefined, r.text);
      const cores = Object.fromEntries(r.structured.cores.map((c: any) => [c.core, c]));
      assert.equal(cores.icinga.total, returned);
      assert.equal(cores.icinga.hidden, held(icinga) - returned);
      assert.equal(cores.naemon.total, held(naemon));
      assert.equal(cores.naemon.hidden, undefined);
      assert.equal(r.structured.total, returned + held(naemon));
      const [first, second] = r.text.split('\n');
      assert.match(first!, new RegExp(`of ${returned + held(naemon)} \\(icinga ${returned}, naemon ${held(naemon)}\\)`));
      assert.match(second!, new RegExp(`^Warning: core icinga answered .* holds ${held(icinga)} in it`));
      assert.match(r.structured.notes[0], /core icinga/);
      // Newest first over both cores, each row naming its core.
      const times = r.structured.rows.map((x: any) => x.time);
      assert.deepEqual(
        times,
        [...times].sort((a: number, b: number) => b - a),
      );
      assert.ok(r.structured.rows.every((x: any) => x.peer_name === 'icinga' || x.peer_name === 'naemon'));
      const visible = [
        ...icinga!.logs.filter((e) => e.time >= since && e.time <= now && e.time >= Math.ceil(since / 3600) * 3600),
        ...naemon!.logs.filter((e) => e.time >= since && e.time <= now),
      ]
        .map((e) => e.time)
        .sort((a, b) => b - a)
        .slice(0, 30);
      assert.deepEqual(times, visible);
    } finally {
      await h.close();
    }
  });

  it('thruk_list_notifications reads both cores: Naemon rows as recorded, Icinga 2 rows repaired, each naming its core', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const r = await h.call('thruk_list_notifications', { since: '-7d', limit: 1000 });
      assert.equal(r.isError, undefined, r.text);
      const raw = await rest(h.sim, '/notifications', {
        'time[gte]': String(Math.floor(Date.now() / 1000) - 7 * 86400),
        columns: 'peer_name,host_name,message',
      });
      const per = (p: string) => raw.filter((x: any) => x.peer_name === p).length;
      const cores = Object.fromEntries(r.structured.cores.map((c: any) => [c.core, c.total]));
      assert.equal(cores.naemon, per('naemon'));
      assert.ok(per('naemon') > 0 && per('icinga') > 0);
      const header = r.text.split('\n').find((l: string) => l.startsWith('time |'));
      assert.match(header!, / \| core$/);
      // Icinga 2 leaves host_name null on host notifications; the row still names its host.
      for (const row of r.structured.rows) assert.ok(typeof row.peer_name === 'string');
    } finally {
      await h.close();
    }
  });

  it('deletes by id carry the core: an id on both cores is refused without one, and removed on that core only', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const [icinga, naemon] = h.sim.state.sites;
      const id = naemon!.comments.find((c) => c.entryType !== 2 && icinga!.commentIndex.has(c.id))?.id;
      assert.ok(id !== undefined, 'a comment id that both cores use');
      const ambiguous = await h.call('thruk_delete_comment', { comment_id: id, confirm: true });
      assert.equal(ambiguous.isError, true);
      assert.match(ambiguous.text, /exists on several backends: (icinga|naemon) .*(naemon|icinga)/);
      assert.ok(icinga!.commentIndex.has(id) && naemon!.commentIndex.has(id), 'nothing was deleted');
      const r = await h.call('thruk_delete_comment', { comment_id: id, backends: 'naemon', confirm: true });
      assert.equal(r.structured.status, 'done', r.text);
      assert.equal(naemon!.commentIndex.has(id), false);
      assert.equal(icinga!.commentIndex.has(id), true, "the other core's comment with the same id stays");
      const dt = naemon!.downtimes.find((d) => icinga!.downtimeIndex.has(d.id))!;
      assert.ok(dt, 'a downtime id that both cores use');
      const autoComment = dt.commentId;
      assert.ok(naemon!.commentIndex.get(autoComment)?.entryType === 2, 'Naemon keeps an automatic downtime comment');
      const d = await h.call('thruk_delete_downtime', { downtime_id: dt.id, backends: 'naemon', confirm: true });
      assert.equal(d.structured.status, 'done', d.text);
      assert.equal(naemon!.downtimeIndex.has(dt.id), false);
      assert.equal(icinga!.downtimeIndex.has(dt.id), true);
      assert.equal(naemon!.commentIndex.has(autoComment), false, 'the automatic comment goes with its downtime');
    } finally {
      await h.close();
    }
  });

  it('trend and triage tools over the log say which core hid rows of their window', async () => {
    const h = await connect({ sim: { sites: TWO_CORES } });
    try {
      const now = Math.floor(Date.now() / 1000);
      const icinga = h.sim.state.sites[0]!;
      const row = [...icinga.logs]
        .reverse()
        .find((e) => e.type === 'SERVICE ALERT' && e.state !== 0 && e.time < now - 600 && e.time % 3600 > 120 && e.time % 3600 < 3000);
      assert.ok(row, 'an Icinga 2 service problem alert inside an hour');
      const since = row.time - 60;
      const r = await h.call('thruk_top_noisy_services', { since: new Date(since * 1000).toISOString(), state_type: 'any' });
      assert.equal(r.isError, undefined, r.text);
      assert.match(r.text, /core icinga answered .* missing from this answer/);
      assert.doesNotMatch(r.text, /core naemon answered/);
      // A window that starts where a log file starts hides nothing.
      const hour = now - (now % 3600) - 3600;
      const clean = await h.call('thruk_top_noisy_services', { since: new Date(hour * 1000).toISOString(), state_type: 'any' });
      assert.doesNotMatch(clean.text, /missing from this answer/);
    } finally {
      await h.close();
    }
  });
});

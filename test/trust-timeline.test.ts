/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * thruk_incident_timeline against raw log rows: host outages and their services' problems are one
 * incident (time counted once), the acknowledgement query works on Icinga 2's log rows, and an
 * acknowledgement removed later is not reported as "acked".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, post, rest, type Harness } from './helpers/loose.js';

type Span = [number, number];
/** Reference: problem intervals per object from the raw HARD/SOFT alert rows (own small code, not the tool's). */
function rawSpans(
  rows: Array<{ time: number; type: string; host_name: string | null; service_description: string | null; state: number; message: string }>,
  host: string,
  until: number,
): Map<string, Span[]> {
  const open = new Map<string, number>();
  const out = new Map<string, Span[]>();
  const hard = new Set<string>();
  for (const r of [...rows].sort((a, b) => a.time - b.time)) {
    const fields = r.message.replace(/^\[\d+\] [A-Z ]+: /, '').split(';');
    const isSvc = r.type === 'SERVICE ALERT';
    if (fields[0] !== host) continue;
    const key = isSvc ? `${host}/${fields[1]}` : host;
    const st = fields[isSvc ? 2 : 1] ?? '';
    const ok = st === 'OK' || st === 'UP';
    if (!ok && !open.has(key)) open.set(key, r.time);
    if (!ok && fields[isSvc ? 3 : 2] === 'HARD') hard.add(key);
    if (ok && open.has(key)) {
      if (hard.has(key)) out.set(key, [...(out.get(key) ?? []), [open.get(key) ?? 0, r.time]]);
      open.delete(key);
      hard.delete(key);
    }
  }
  for (const [k, t] of open) if (hard.has(k)) out.set(k, [...(out.get(k) ?? []), [t, until]]);
  return out;
}

function union(spans: Span[]): number {
  let total = 0;
  let cur: Span | undefined;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  return total + (cur ? cur[1] - cur[0] : 0);
}

for (const quirks of ['naemon', 'icinga2'] as const) {
  describe(`thruk_incident_timeline on ${quirks} log rows`, () => {
    let h: Harness;
    before(async () => {
      h = await connect({ sim: { logQuirks: quirks } });
    });
    after(async () => {
      await h.close();
    });

    it("counts a host outage and its services' problems once (union of time) and attributes them to the host", async () => {
      // The simulator's db-02 outage is scripted at 01:10–02:35 UTC of the last day on which it has
      // ended, so it can be up to ~26.5 h old: a 30 h window holds it at any time of day.
      const r = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'db-02' }, since: '-30h' });
      assert.equal(r.isError, undefined, r.text);
      const until = Math.floor(Date.parse(r.structured.until) / 1000);
      const since = Math.floor(Date.parse(r.structured.since) / 1000);
      const raw = await rest(h, '/logs', {
        'time[gte]': String(since - 7 * 86400),
        'time[lte]': String(until),
        'type[regex]': '^(HOST|SERVICE) ALERT$',
        columns: 'time,type,host_name,service_description,state,message',
      });
      const spans = rawSpans(raw, 'db-02', until);
      const host = spans.get('db-02') ?? [];
      assert.ok(host.length >= 1, 'db-02 had an outage in the window');
      const clipped = [...spans.values()]
        .flat()
        .map(([a, b]): Span => [Math.max(a, since), Math.min(b, until)])
        .filter(([a, b]) => b > a);
      assert.equal(r.structured.summary.problem_seconds, union(clipped), 'problem time is the union of the problem intervals');
      const sum = clipped.reduce((s, [a, b]) => s + b - a, 0);
      assert.ok(sum > union(clipped), 'the estate has overlapping problems, so the test can tell union from sum');
      // Services that went down with their host are marked and not counted as incidents of their own.
      const ping = r.structured.incidents.find((i: any) => i.service === 'ping');
      assert.equal(ping?.during_host_outage, true);
      assert.notEqual(r.structured.summary.longest_incident?.service, 'ping');
      assert.equal(r.structured.summary.incidents, r.structured.incidents.filter((i: any) => i.during_host_outage !== true).length);
      assert.match(r.text, /problem time \S+( \S+)? \(overlaps counted once\)/);
      assert.match(r.text, /db-02\/ping \| CRITICAL .*during host outage/);
    });

    it('reads acknowledgement commands (no 400 on Icinga 2 rows without host_name) and says when an ack was removed', async () => {
      const target = (
        await rest(h, '/services', { columns: 'host_name,description', 'state[gte]': '1', acknowledged: '0', host_name: 'web-02' })
      )[0];
      assert.ok(target, 'web-02 has an unacknowledged problem');
      const path = `/services/${encodeURIComponent(target.host_name)}/${encodeURIComponent(target.description)}/cmd`;
      await post(h, `${path}/acknowledge_svc_problem`, { comment_data: 'looking', sticky_ack: 0 });
      await post(h, `${path}/remove_svc_acknowledgement`, {});
      const cmds = await rest(h, '/logs', { class: '5', 'time[gte]': '-1h', columns: 'host_name,message' });
      assert.ok(
        cmds.some((c: any) => /REMOVE_SVC_ACKNOWLEDGEMENT;web-02;/.test(c.message)),
        'the removal is in the log',
      );
      const r = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'web-02' }, since: '-7d' });
      assert.equal(r.isError, undefined, r.text);
      const acks = r.structured.events.filter((e: any) => e.type === 'ack' && e.service === target.description);
      assert.equal(acks.at(-1)?.detail, 'REMOVED', JSON.stringify(acks));
      const inc = r.structured.incidents.find((i: any) => i.service === target.description && i.ongoing);
      assert.ok(inc, r.text);
      assert.equal(inc.acknowledgement_removed, true);
      assert.match(r.text, new RegExp(`web-02/${target.description} \\|[^\\n]*acked by [^,\\n]+, ack removed later`));
    });

    it('a host with only host-level rows in the window still answers (Icinga 2 leaves host_name null there)', async () => {
      const r = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'branch-router-01' }, since: '-7d' });
      assert.equal(r.isError, undefined, r.text);
      assert.ok(
        r.structured.incidents.some((i: any) => i.host === 'branch-router-01' && i.service === undefined),
        r.text,
      );
    });
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Issue 12, "find the rest of its kind": answers an on-call engineer misread in the review of the
 * read tools (the demo estate through the MCP client), each checked against raw REST rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator, TWO_CORES } from '../src/sim/index.js';
import { connect, demoConfig, rest, type Harness } from './helpers/harness.js';

type Raw = Record<string, any>;

describe('review of the read tools against raw rows (issue 12)', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  // "app-02 | load | 10 | WARNING" read as "app-02/load is WARNING" although it recovered days ago:
  // the column is the state of the newest counted (non-OK) alert, and says so.
  it('thruk_top_noisy_services and thruk_recurring_problems do not call the newest non-OK alert "last state" of a recovered service', async () => {
    const alerts = (await rest(h, '/logs', {
      class: '1',
      type: 'SERVICE ALERT',
      'time[gte]': String(Math.floor(Date.now() / 1000) - 7 * 86400),
      columns: 'host_name,service_description,state,time',
    })) as Raw[];
    const newest = new Map<string, Raw>();
    for (const a of alerts)
      if ((newest.get(`${a.host_name}/${a.service_description}`)?.time ?? -1) <= a.time)
        newest.set(`${a.host_name}/${a.service_description}`, a);
    const recovered = [...newest].filter(([, a]) => a.state === 0).map(([k]) => k);
    assert.ok(recovered.length > 0, 'the demo has noisy services that recovered');
    for (const [tool, first] of [
      ['thruk_top_noisy_services', 'host'],
      ['thruk_recurring_problems', 'object'],
    ] as const) {
      const r = await h.call(tool, { since: '-7d', limit: 1000, ...(tool === 'thruk_recurring_problems' ? { min_alerts: 2 } : {}) });
      const lines = r.text.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`${first} | `));
      const head = (lines[at] ?? '').split(' | ');
      const col = head.findIndex((c) => /state/.test(c));
      assert.ok(col > 0, `${tool} has a state column: ${lines[at]}`);
      const shown = lines
        .slice(at + 1)
        .filter((l) => l.includes(' | '))
        .map((l) => l.split(' | '));
      const key = (c: string[]) => (first === 'host' ? `${c[0]}/${c[1]}` : (c[0] ?? '').replace(' / ', '/'));
      const misread = shown.filter((c) => recovered.includes(key(c)) && c[col] !== 'OK');
      assert.ok(misread.length > 0, `${tool}: a recovered service shows a problem state in that column`);
      assert.equal(
        head[col],
        'last non-OK state',
        `${tool}: the column says it is the newest non-OK alert's state, not the state now (${key(misread[0] ?? [])} is OK now)`,
      );
    }
  });

  // "active, ends in 1h" for a downtime ending in 1h 53m read as half the time left.
  it('thruk_list_downtimes and thruk_hygiene say how long until a downtime ends to the minute, as end_time says', async () => {
    // The demo's own downtimes sit at clock times, so whether one ends off the hour depends on when
    // the test runs: add one that does (1h 53m, the case from the report).
    const made = await h.call('thruk_schedule_downtime', { host: 'app-01', end_time: '+113m', comment: 'trust-review', confirm: true });
    assert.equal(made.isError, undefined, made.text);
    const raw = (await rest(h, '/downtimes', { columns: 'id,start_time,end_time' })) as Raw[];
    const now = Math.floor(Date.now() / 1000);
    const active = raw.filter((d) => d.start_time <= now && d.end_time > now + 3600 && (d.end_time - now) % 3600 >= 120);
    assert.ok(active.length > 0, 'the demo has a downtime ending in over an hour, not on the hour');
    const r = await h.call('thruk_list_downtimes', { limit: 1000 });
    for (const d of active) {
      const line = r.text.split('\n').find((l) => l.startsWith(`#${d.id} |`)) ?? '';
      const m = /ends in (?:(\d+)d)? ?(?:(\d+)h)? ?(?:(\d+)m)?\)/.exec(line);
      assert.ok(m, line);
      const said = Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60;
      const left = d.end_time - now;
      // Two units: within a minute below 1 day, within an hour above.
      assert.ok(left - said >= 0 && left - said < (left >= 86400 ? 3600 : 120), `#${d.id}: "${line}" says ${said}s, ${left}s are left`);
    }
  });
});

describe('review of the read tools on two cores (issue 12)', () => {
  // "oncall" listed twice without a core read as a duplicate row.
  it('thruk_list_contacts names the core of a contact name both cores hold, as /contacts says', async () => {
    const h = await connect({ simulator: createSimulator({ apiKey: demoConfig().thruk.apiKey, sites: TWO_CORES }) });
    try {
      const raw = (await rest(h, '/contacts', { columns: 'name,peer_name' })) as Raw[];
      const names = raw.map((c) => String(c.name));
      assert.ok(
        names.some((n, i) => names.indexOf(n) !== i),
        'a contact name is on both cores',
      );
      const r = await h.call('thruk_list_contacts', { limit: 1000 });
      const rows = r.text
        .split('\n')
        .filter((l) => l.includes(' | '))
        .slice(1)
        .map((l) => l.split(' | ')[0])
        .sort();
      assert.deepEqual(rows, raw.map((c) => `${c.name}@${c.peer_name}`).sort());
      assert.deepEqual(
        (r.structured.rows as Raw[]).map((c) => `${c.name}@${c.peer_name}`).sort(),
        rows,
        'structuredContent names the core too',
      );
    } finally {
      await h.close();
    }
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSimulator, type SimulatorOptions } from '../src/sim/index.js';
import { parsePerfData } from '../src/tools/lib/perfdata.js';
import { verdictOf } from '../src/tools/triage/why-verdict.js';
import { connect, demoConfig, CURRENT_ERA, rest, type Era, type Harness } from './helpers/loose.js';

/**
 * How the core shows a check's command line through /…/commandline. `sim` is what main's simulator
 * answers (a full command line without thresholds); the other two rewrite only that endpoint's
 * answer into the form each core gives: Icinga 2 hides it ('<internal>', as recorded in
 * host_web-01_commandline.json), Naemon expands $ARGn$ into the plugin's options. Add a flavour
 * here once the simulator has its own, e.g.
 * `{ name: 'naemon core', sim: { sites: [{ key: 'naemon', core: 'naemon', estate: 'default' }] } }`.
 */
type Flavour = {
  name: string;
  sim: SimulatorOptions;
  commandline?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** The load check's command line carries its thresholds (-w/-c, $ARGn$). */
  thresholdsOnCommand?: boolean;
};
const FLAVOURS: readonly Flavour[] = [
  { name: 'simulator as is', sim: {} },
  // The simulator's own core flavours: Icinga 2 answers '<internal>' and true/false, null for
  // empty values, last_state_change 0 for a state held since start; Naemon the command line, 0/1, "".
  { name: 'icinga2 core', sim: { sites: [{ key: 'icinga', core: 'icinga2', estate: 'default' }] } },
  { name: 'naemon core', sim: { sites: [{ key: 'naemon', core: 'naemon', estate: 'default' }] } },
  { name: 'icinga2 hides the command', sim: { logQuirks: 'icinga2' }, commandline: (r) => ({ ...r, command_line: '<internal>' }) },
  {
    name: 'naemon shows it with thresholds',
    sim: { logQuirks: 'naemon' },
    thresholdsOnCommand: true,
    commandline: (r) =>
      r.check_command === 'load'
        ? { ...r, check_command: 'check_load!5,4,3!10,8,6', command_line: '/usr/lib/nagios/plugins/check_load -w 5,4,3 -c 10,8,6' }
        : r,
  },
];

async function harnessFor(era: Era, f: Flavour): Promise<Harness> {
  const sim = createSimulator({ apiKey: demoConfig().thruk.apiKey, ...f.sim });
  if (f.commandline !== undefined) {
    const rewrite = f.commandline;
    const inner = sim.fetch.bind(sim);
    sim.fetch = async (req: Request) => {
      const res = await inner(req);
      if (!new URL(req.url).pathname.endsWith('/commandline') || res.status !== 200) return res;
      const rows = (await res.json()) as Array<Record<string, unknown>>;
      return new Response(JSON.stringify(rows.map(rewrite)), { status: 200, headers: { 'content-type': 'application/json' } });
    };
  }
  return connect({ era, simulator: sim });
}

/** The perf data of a raw row, split by hand: label=value;warn;crit. */
function rawPerf(perf: string): Map<string, { value: number; warn: number; crit: number }> {
  const out = new Map<string, { value: number; warn: number; crit: number }>();
  for (const tok of perf.trim().split(/\s+/)) {
    const [label, rest] = tok.split('=') as [string, string];
    const [v, w, c] = rest.split(';');
    out.set(label, { value: Number.parseFloat(v!), warn: Number(w), crit: Number(c) });
  }
  return out;
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  for (const f of FLAVOURS) {
    describe(`thruk_why_alerting (${era} era, ${f.name})`, () => {
      let h: Harness;
      before(async () => {
        h = await harnessFor(era, f);
      });
      after(async () => {
        await h.close();
      });

      it('a WARNING service: command, each metric over its warning threshold by the raw perf data, the move back to OK', async () => {
        const [row] = await rest(h, '/services', {
          host_name: 'web-02',
          description: 'load',
          columns: 'state,perf_data,plugin_output,check_command',
        });
        const [cmd] = await rest(h, '/services/web-02/load/commandline');
        const r = await h.call('thruk_why_alerting', { host: 'web-02', service: 'load' });
        assert.equal(r.isError, undefined, r.text);
        const d = r.structured;
        assert.equal(d.state, 'WARNING');
        assert.equal(row.state, 1);
        assert.equal(d.output, row.plugin_output);
        const perf = rawPerf(row.perf_data);
        assert.equal(d.metrics.length, perf.size);
        for (const m of d.metrics) {
          const p = perf.get(m.label)!;
          assert.equal(m.value, p.value);
          assert.equal(m.position, p.value > p.crit ? 'over_critical' : p.value > p.warn ? 'over_warning' : 'far');
          assert.equal(m.to_ok.bound, p.warn);
          assert.ok(Math.abs(m.to_ok.delta - (p.warn - p.value)) < 1e-9, `${m.label} back to OK by ${p.warn - p.value}`);
          assert.ok(Math.abs(m.to_worse.delta - (p.crit - p.value)) < 1e-9);
        }
        assert.match(d.verdict, /^WARNING because load1 is over warning/);
        // Escalates first: the smallest move to critical relative to that threshold, by the raw numbers.
        const [firstLabel, firstPerf] = [...perf].sort(([, a], [, b]) => (a.crit - a.value) / a.crit - (b.crit - b.value) / b.crit)[0]!;
        assert.ok(
          d.verdict.endsWith(
            `CRITICAL first if ${firstLabel} > ${firstPerf.crit} (+${Math.round((firstPerf.crit - firstPerf.value) * 1000) / 1000}).`,
          ),
          d.verdict,
        );
        assert.match(r.text, /load1=6\.12 \(w 5, c 10\): over warning; OK when <= 5 \(−1\.12\), CRITICAL when > 10 \(\+3\.88\)/);
        if (cmd.command_line === '<internal>') {
          assert.equal(d.command.hidden, true);
          assert.equal(d.command.command_line, undefined);
          assert.match(r.text, /Note: The core hides the command line \(it answers '<internal>', as Icinga 2 does\)/);
        } else {
          assert.equal(d.command.hidden, false);
          assert.equal(d.command.command_line, cmd.command_line);
          assert.equal(d.command.check_command, cmd.check_command);
        }
        if (f.thresholdsOnCommand === true) {
          assert.deepEqual(d.command_thresholds, [
            { option: 'ARG1', value: '5,4,3' },
            { option: 'ARG2', value: '10,8,6' },
            { option: '-w', value: '5,4,3' },
            { option: '-c', value: '10,8,6' },
          ]);
          assert.match(r.text, /Command thresholds: ARG1 5,4,3 ARG2 10,8,6 -w 5,4,3 -c 10,8,6/);
        } else assert.deepEqual(d.command_thresholds, []);
      });

      it('history: alert counts match the raw /alerts rows of the window', async () => {
        const since = String(Math.floor(Date.now() / 1000) - 24 * 3600);
        const raw = await rest(h, '/alerts', {
          host_name: 'web-02',
          service_description: 'load',
          'time[gte]': since,
          columns: 'time,state,state_type',
        });
        const r = await h.call('thruk_why_alerting', { host: 'web-02', service: 'load' });
        assert.equal(r.structured.history.alerts, raw.length);
        assert.equal(r.structured.history.hard_changes, raw.filter((x: any) => x.state_type === 'HARD').length);
        assert.equal(
          r.structured.history.recent[0].time,
          new Date(Math.max(...raw.map((x: any) => x.time)) * 1000).toISOString().replace('.000Z', 'Z'),
        );
      });

      it('a DOWN host: host alerts are found on both log flavours (Icinga 2 leaves host_name empty)', async () => {
        const since = Math.floor(Date.now() / 1000) - 24 * 3600;
        const raw = await rest(h, '/alerts', { type: 'HOST ALERT', 'time[gte]': String(since), columns: 'time,message' });
        const want = raw.filter((x: any) => /HOST ALERT: branch-router-01;/.test(x.message)).length;
        assert.ok(want > 0);
        const r = await h.call('thruk_why_alerting', { host: 'branch-router-01' });
        assert.equal(r.isError, undefined, r.text);
        assert.equal(r.structured.state, 'DOWN');
        assert.equal(r.structured.service, null);
        assert.equal(r.structured.history.alerts, want);
        const pl = r.structured.metrics.find((m: any) => m.label === 'pl');
        assert.equal(pl.position, 'over_critical');
        assert.match(r.structured.verdict, /DOWN because pl is over critical. Back to OK needs pl <= 20%/);
      });

      it('a state from the plugin alone, an OK service, and an unknown object', async () => {
        const ntp = await h.call('thruk_why_alerting', { host: 'mon-01', service: 'ntp' });
        assert.equal(ntp.structured.state, 'UNKNOWN');
        assert.deepEqual(ntp.structured.metrics, []);
        assert.match(ntp.structured.verdict, /plugin's own logic/);
        const ok = await h.call('thruk_why_alerting', { host: 'web-01', service: 'disk /' });
        assert.equal(ok.structured.state, 'OK');
        assert.match(ok.structured.verdict, /^OK; closest to alerting: \/ > 56000MB \(\+27230MB\), 48\.63% of its OK band left\.$/);
        const none = await h.call('thruk_why_alerting', { host: 'web-01', service: 'no such check' });
        assert.equal(none.isError, true);
        assert.match(none.text, /No service 'no such check' on host 'web-01'.*thruk_list_services/);
        const bad = await h.call('thruk_why_alerting', { host: 'web-01\nGET /x' });
        assert.equal(bad.isError, true);
      });
    });
  }
}

describe('thruk_why_alerting when Thruk refuses command lines', () => {
  it('says so (show_full_commandline) and still answers from the perf data', async () => {
    const sim = createSimulator({ apiKey: demoConfig().thruk.apiKey });
    sim.injectFault({ match: /\/commandline$/, status: 403 });
    const h = await connect({ simulator: sim });
    try {
      const r = await h.call('thruk_why_alerting', { host: 'db-03', service: 'disk /' });
      assert.equal(r.isError, undefined, r.text);
      assert.equal(r.structured.command.hidden, true);
      assert.match(r.text, /show_full_commandline/);
      assert.equal(r.structured.metrics[0].position, 'over_warning');
    } finally {
      await h.close();
    }
  });
});

describe('why-verdict: near, far and inverted ranges (hand-computed)', () => {
  const one = (perf: string) => verdictOf(parsePerfData(perf).metrics[0]!);
  it('near: 4.8 of a 0..5 OK band is 4% from warning', () => {
    const v = one('load1=4.8;5;10;0;');
    assert.equal(v.position, 'near');
    assert.equal(v.headroom_percent, 4);
    assert.deepEqual(v.to_worse, { delta: 0.2, bound: 5, when: '> 5' });
  });
  it('far: 1 of 0..5 is 80% away', () => {
    assert.equal(one('load1=1;5;10;0;').position, 'far');
  });
  it('a lower bound (10:): alerts below 10, back to OK at >= 10', () => {
    const v = one('members=8;10:;5:;0;');
    assert.equal(v.position, 'over_warning');
    assert.deepEqual(v.to_ok, { delta: 2, bound: 10, when: '>= 10' });
    assert.deepEqual(v.to_worse, { delta: -3, bound: 5, when: '< 5' });
  });
  it('an inside range (@10:20): alerting inside, OK outside', () => {
    const v = one('x=12;@10:20;;0;');
    assert.equal(v.position, 'over_warning');
    assert.deepEqual(v.to_ok, { delta: -2, bound: 10, when: '< 10' });
  });
});

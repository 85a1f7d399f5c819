/* eslint-disable @typescript-eslint/no-unsafe-member-access -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** The compact text of the state tools: what each line says, and what it no longer repeats. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detailLines } from '../src/tools/lib/list.js';
import { logLine } from '../src/tools/history/list.js';
import { age, when } from '../src/tools/lib/format.js';
import { detailHead, hostLine, hostServiceLines, okOutput, parentCell, serviceLine } from '../src/tools/lib/rows.js';
import { connect, rest, type Harness } from './helpers/loose.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const ago = (s: number) => NOW / 1000 - s;

describe('state rows, pure', () => {
  it('one age format everywhere: a list row, a detail time and a log line say the same for the same age', () => {
    assert.deepEqual(
      [age(5), age(125), age(90 * 60), age(3 * 3600 + 59 * 60), age(19 * 86400 + 15 * 3600)],
      ['5s', '2m', '1h', '3h', '19d'],
    );
    const t = ago(90 * 60);
    const list = hostLine(NOW, false)({ name: 'db-02', state: 1, state_type: 1, last_state_change: t, plugin_output: 'x' }).split(' | ')[2];
    const detail = /^(.*) ago/.exec(when(t, NOW))?.[1];
    const log = /\((.*) ago\)/.exec(
      logLine(NOW)({ time: t, type: 'HOST ALERT', class: 1, host_name: 'db-02', state: 1, state_type: 'HARD', plugin_output: 'x' }),
    )?.[1];
    const head = detailHead({ name: 'db-02', state: 1, state_type: 1, last_state_change: t, plugin_output: 'x' }, 'hosts', NOW).join('\n');
    assert.deepEqual([list, detail, log, /for (\S+) \(since/.exec(head)?.[1]], ['1h', '1h', '1h', '1h']);
  });

  it('the state cell carries soft attempts and handling flags; no separate flags column', () => {
    const line = hostLine(
      NOW,
      false,
    )({
      name: 'db-02',
      state: 1,
      state_type: 0,
      current_attempt: 2,
      max_check_attempts: 3,
      acknowledged: 1,
      scheduled_downtime_depth: 1,
      last_state_change: ago(600),
      plugin_output: 'PING CRITICAL',
    });
    assert.equal(line, 'db-02 | DOWN soft 2/3 acked downtime | 10m | PING CRITICAL');
    const svc = serviceLine(
      NOW,
      true,
    )({ host_name: 'web-01', peer_name: 'b1', description: 'http', state: 0, last_state_change: ago(7200), plugin_output: 'HTTP OK' });
    assert.equal(svc, 'web-01@b1 | http | OK | 2h | HTTP OK');
  });

  it('an OK output loses only its leading "<CHECK> OK -", never the rest', () => {
    assert.equal(okOutput('DISK OK - free space: / 41230 MB', 100), 'free space: / 41230 MB');
    assert.equal(okOutput('HTTP OK: HTTP/1.1 200 OK - 10 bytes', 100), 'HTTP/1.1 200 OK - 10 bytes');
    assert.equal(okOutput('OK - load average: 0.52', 100), 'load average: 0.52');
    assert.equal(okOutput('all fine', 100), 'all fine');
    assert.equal(okOutput('OK', 100), 'OK', 'nothing but the prefix: keep it');
    assert.equal(okOutput('SSH OK - OpenSSH_9.2p1 Debian-2+deb12u3 (protocol 2.0)', 20), 'OpenSSH_9.2p1 Debia…');
  });

  it("a host's services: problems first with full output, no host column, state column only when mixed", () => {
    const svc = (description: string, state: number, plugin_output: string) => ({
      host_name: 'h',
      description,
      state,
      plugin_output,
      last_state_change: ago(3600),
    });
    const mixed = hostServiceLines(
      [svc('disk', 0, 'DISK OK - 58% free'), svc('load', 1, 'WARNING - load 6'), svc('repl', 2, 'CRITICAL - lag 1840 s')],
      NOW,
    );
    assert.deepEqual(mixed, [
      'services (3): service | state | for | output',
      'repl | CRITICAL | 1h | CRITICAL - lag 1840 s',
      'load | WARNING | 1h | WARNING - load 6',
      'disk | OK | 1h | 58% free',
    ]);
    assert.deepEqual(hostServiceLines([svc('disk', 0, 'DISK OK - 58% free')], NOW), [
      'services (1, all OK): service | for | output',
      'disk | 1h | 58% free',
    ]);
    assert.deepEqual(hostServiceLines([], NOW), ['services: none']);
  });

  it('a parent shows its output only when it is not UP', () => {
    assert.equal(parentCell(NOW)({ name: 'sw-1', state: 0, last_state_change: ago(86400 * 2), plugin_output: 'PING OK' }), 'sw-1 UP 2d');
    assert.equal(
      parentCell(NOW)({ name: 'sw-2', state: 1, last_state_change: ago(300), plugin_output: 'PING CRITICAL - 100% loss' }),
      'sw-2 DOWN 5m (PING CRITICAL - 100% loss)',
    );
  });

  it('the detail head says who, state with one absolute time, and check facts; the rest skips them', () => {
    const host = {
      name: 'web-01',
      alias: 'Web 01',
      address: '10.0.0.1',
      peer_name: 'b1',
      state: 0,
      has_been_checked: 1,
      plugin_output: 'PING OK - 0% loss',
      perf_data: 'rta=1ms',
      last_state_change: ago(86400 + 3600),
      last_check: ago(30),
      next_check: ago(-30),
      check_command: 'hostalive',
      check_interval: 1,
      latency: 0.002,
      execution_time: 0.4,
      acknowledged: 0,
      scheduled_downtime_depth: 0,
      custom_variables: { dummy_text: 'PING OK - 0% loss|rta=1ms', os: 'linux' },
    };
    const head = detailHead(host, 'hosts', NOW);
    assert.deepEqual(head, [
      'host web-01 (Web 01, 10.0.0.1) on b1',
      'UP for 1d (since 2026-11-20T11:00:00Z): PING OK - 0% loss',
      'check: hostalive, interval 1, last 30s ago, took 0.400s',
    ]);
    const overdue = detailHead({ ...host, next_check: ago(900), latency: 2.5 }, 'hosts', NOW);
    assert.match(overdue[2] ?? '', /next overdue by 15m, took 0\.400s, latency 2\.500s$/);
    const skip = new Set([
      'name',
      'alias',
      'address',
      'peer_name',
      'state',
      'has_been_checked',
      'plugin_output',
      'last_state_change',
      'last_check',
      'next_check',
      'check_command',
      'check_interval',
      'latency',
      'execution_time',
    ]);
    assert.deepEqual(detailLines(host, 'hosts', NOW, skip), ['perf_data: rta=1ms', 'custom_variables: dummy_text=(output+…), os=linux']);
    const handledOnly = detailHead({ name: 'x', acknowledged: 1 }, 'hosts', NOW);
    assert.deepEqual(
      handledOnly,
      ['host x', 'handling: acknowledged (sticky or not: Thruk does not say)'],
      'flags survive a custom column choice without state',
    );
    assert.deepEqual(detailHead({ name: 'x', acknowledged: 1, acknowledgement_type: 2, scheduled_downtime_depth: 1 }, 'hosts', NOW), [
      'host x',
      'handling: acknowledged (sticky), in downtime',
    ]);
  });
});

describe('state tools, text over the simulator', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('thruk_get_host names each service once, with its state, and each parent with its state', async () => {
    const withParents = ((await rest(h, '/hosts', { columns: 'name,parents' })) as Array<{ name: string; parents: string[] }>).find(
      (x) => x.parents.length > 0,
    );
    assert.ok(withParents);
    const r = await h.call('thruk_get_host', { host: withParents.name });
    assert.equal(r.isError, undefined, r.text);
    const lines = r.text.split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^host ${withParents.name}\\b`));
    assert.match(lines[1] ?? '', /^(UP|DOWN|UNREACHABLE|PENDING)\b.* for .*\(since \d{4}-\d\d-\d\dT/);
    const parentLine = lines.find((l) => l.startsWith('parents ('));
    for (const p of withParents.parents) assert.match(parentLine ?? '', new RegExp(`${p} (UP|DOWN|UNREACHABLE)`));
    assert.ok(!lines.some((l) => l.startsWith('parents:')), 'the bare parents column is not repeated');
    const head = lines.findIndex((l) => l.startsWith('services ('));
    const svcLines = lines.slice(head + 1).filter((l) => !l.startsWith('Note:'));
    assert.equal(svcLines.length, r.structured.services.length);
    for (const s of r.structured.services)
      assert.ok(
        svcLines.some((l) => l.startsWith(`${s.description} | `)),
        `${s.description} listed`,
      );
    assert.ok(!svcLines.some((l) => l.startsWith(`${withParents.name} | `)), 'no host column');
    assert.ok(!/\bnull\b|undefined/.test(r.text));
  });

  it('thruk_list_hosts puts handling into the state cell', async () => {
    const dt = (await rest(h, '/hosts', { columns: 'name', 'scheduled_downtime_depth[gt]': '0' })) as Array<{ name: string }>;
    assert.ok(dt.length > 0, 'the demo estate has a host in downtime');
    const r = await h.call('thruk_list_hosts', { filter: { field: 'name', value: dt[0]!.name } });
    assert.match(r.text, /\nhost \| state \| for \| output\n/);
    assert.match(r.text, new RegExp(`\\n${dt[0]!.name} \\| \\w+ downtime \\| `));
  });
});

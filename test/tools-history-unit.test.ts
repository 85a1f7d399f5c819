import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileFilter } from '../src/thruk/filter.js';
import { rowHost } from '../src/tools/history/common.js';
import { ackCommandEvent, toEvent, type LogEvent } from '../src/tools/history/events.js';
import { notificationStateLeaf, stateByKind } from '../src/tools/history/filters.js';
import { reduce } from '../src/tools/history/incidents.js';
import { parseNotificationLine, parseNotificationType, readNotification } from '../src/tools/history/notify.js';
import type { CurrentObject } from '../src/tools/history/objects.js';
import { snapshotAt, transitions, type History } from '../src/tools/history/replay.js';

type Row = Record<string, unknown>;
const fixture = (name: string): Row[] => JSON.parse(readFileSync(new URL(`./fixtures/thruk/${name}`, import.meta.url), 'utf8')) as Row[];

describe('notification lines (Icinga 2 mis-parses the columns)', () => {
  const rows = [...fixture('notifications.json'), ...fixture('host_branch-router-01_notifications.json')];

  it('reads every field of the recorded Icinga 2 rows from the line', () => {
    for (const r of rows) {
      const n = readNotification(r);
      const opts = String(r.options).split(';');
      assert.equal(n.contact, r.contact_name);
      assert.equal(n.host, opts[1], 'host from the line, also where host_name is null');
      assert.equal(n.command, 'notify-log', 'the command, not the output Icinga 2 puts in command_name');
      // Icinga 2 also drops a trailing ';' of the plugin output from command_name; the line keeps it.
      assert.equal(n.output.replace(/;$/, ''), String(r.command_name).replace(/;$/, ''), 'the output Icinga 2 put in command_name');
      assert.equal(n.repaired, true);
      if (r.type === 'SERVICE NOTIFICATION') assert.equal(n.service, r.service_description);
      else assert.equal(n.service, undefined);
    }
    const hostRows = rows.filter((r) => r.type === 'HOST NOTIFICATION');
    assert.ok(hostRows.length > 0 && hostRows.every((r) => r.host_name === null), 'the fixture has the null host_name quirk');
  });

  it('derives reason and state from the TYPE field in both dialects', () => {
    const byType = (t: string) => rows.find((r) => r.state_type === t);
    const down = readNotification(byType('DOWN (DOWN)') as Row);
    assert.deepEqual([down.reason, down.state, down.stateCode], ['PROBLEM', 'DOWN', 1]);
    const dt = readNotification(byType('DOWNTIMESTART (UP)') as Row);
    assert.deepEqual([dt.reason, dt.state, dt.stateCode], ['DOWNTIMESTART', 'UP', 0]);
    const rec = readNotification(byType('RECOVERY') as Row);
    assert.deepEqual([rec.reason, rec.state, rec.stateCode], ['RECOVERY', 'OK', 0]);
    const flap = readNotification(byType('FLAPPINGSTART') as Row);
    assert.deepEqual([flap.reason, flap.state], ['FLAPPINGSTART', undefined]);
    const warn = readNotification(byType('WARNING') as Row);
    assert.deepEqual([warn.reason, warn.state, warn.stateCode], ['PROBLEM', 'WARNING', 1]);
    assert.deepEqual(parseNotificationType('host', 'UP'), { reason: 'RECOVERY', state: 'UP' });
    assert.deepEqual(parseNotificationType('service', 'ACKNOWLEDGEMENT (CRITICAL)'), { reason: 'ACKNOWLEDGEMENT', state: 'CRITICAL' });
    assert.deepEqual(parseNotificationType('service', 'weird text'), { reason: 'weird text' });
  });

  it('reads Naemon lines with acknowledgement author and comment, and trusts correct columns', () => {
    const n = parseNotificationLine(
      'SERVICE NOTIFICATION',
      'oncall;db-02;disk /;ACKNOWLEDGEMENT (CRITICAL);notify-by-email;DISK CRITICAL - 1% free;alice;ticket; OPS-1',
    );
    assert.ok(n);
    assert.deepEqual(
      [n.service, n.reason, n.state, n.output, n.author, n.comment],
      ['disk /', 'ACKNOWLEDGEMENT', 'CRITICAL', 'DISK CRITICAL - 1% free;alice', 'ticket', ' OPS-1'],
    );
    const ok = readNotification({
      type: 'HOST NOTIFICATION',
      options: 'oncall;web-01;DOWN;notify-by-email;PING CRITICAL',
      host_name: 'web-01',
      command_name: 'notify-by-email',
      state: 1,
    });
    assert.equal(ok.repaired, false);
    assert.equal(parseNotificationLine('HOST NOTIFICATION', 'too;short'), undefined);
    const fallback = readNotification({
      type: 'SERVICE NOTIFICATION',
      options: 'x',
      host_name: 'h',
      service_description: 's',
      contact_name: 'c',
      command_name: 'cmd',
      state_type: 'CRITICAL',
      plugin_output: 'out',
    });
    assert.deepEqual([fallback.host, fallback.service, fallback.state, fallback.command], ['h', 's', 'CRITICAL', 'cmd']);
  });

  it('matches notification states on the line, for both dialects', () => {
    const re = (leaf: Parameters<typeof notificationStateLeaf>[0]) => new RegExp(notificationStateLeaf(leaf).value as string, 'i');
    const messages = rows.map((r) => String(r.message));
    const warn = re({ field: 'state', value: 'warning' });
    assert.equal(messages.filter((m) => warn.test(m)).length, rows.filter((r) => r.state_type === 'WARNING').length);
    const ok = re({ field: 'state', value: 'ok' });
    assert.equal(messages.filter((m) => ok.test(m)).length, rows.filter((r) => r.state_type === 'RECOVERY').length);
    const down = re({ field: 'state', op: 'in', value: ['down', 'up'] });
    assert.equal(messages.filter((m) => down.test(m)).length, rows.filter((r) => r.type === 'HOST NOTIFICATION').length);
    assert.match('[1] SERVICE NOTIFICATION: a;h;s;ACKNOWLEDGEMENT (CRITICAL);cmd;out', re({ field: 'state', value: 2 }));
    assert.match('[1] HOST NOTIFICATION: a;h;UNREACHABLE;cmd;out', re({ field: 'state', value: 2 }));
    assert.throws(() => notificationStateLeaf({ field: 'state', op: 'gt', value: 0 }), /eq, neq, in and not_in/);
    assert.equal(notificationStateLeaf({ field: 'state', op: 'neq', value: 'ok' }).op, 'nregex');
  });
});

describe('log filter rewrites', () => {
  it('ties state names to rows of their kind (DOWN=1=WARNING)', () => {
    const p = (n: ReturnType<typeof stateByKind>) => compileFilter('logs', n).params;
    assert.deepEqual(p(stateByKind({ field: 'state', value: 'down' }, '^HOST ALERT$', '^SERVICE ALERT$', false)), [
      ['type[regex]', '^HOST ALERT$'],
      ['state', '1'],
    ]);
    const mixed = p(stateByKind({ field: 'state', op: 'in', value: ['down', 'warning'] }, '^HOST ALERT$', '^SERVICE ALERT$', false));
    assert.equal(mixed.length, 1);
    assert.equal(mixed[0]?.[0], 'q');
    assert.match(mixed[0]?.[1] ?? '', /type ~~ "\^HOST ALERT\$" and state = "1"\) or \(type ~~ "\^SERVICE ALERT\$" and state = "1"/);
    const numeric = p(stateByKind({ field: 'state', value: 2 }, 'HOST', 'SERVICE', true));
    assert.match(numeric[0]?.[1] ?? '', /HOST.*state = "2".*SERVICE.*state = "2"/);
    const neg = p(stateByKind({ field: 'state', op: 'neq', value: 'ok' }, 'HOST', 'SERVICE', true));
    assert.match(neg[0]?.[1] ?? '', /type ~~ "HOST" or \(type ~~ "SERVICE" and state != "0"\) or type !~~ "HOST\|SERVICE"/);
    assert.deepEqual(p(stateByKind({ field: 'state', op: 'gte', value: 1 }, 'HOST', 'SERVICE', true)), [['state[gte]', '1']]);
    assert.throws(() => stateByKind({ field: 'state', value: 'broken' }, 'HOST', 'SERVICE', true), /Unknown state "broken"/);
  });
});

describe('log events', () => {
  it('parses acknowledgement commands of every shape', () => {
    assert.deepEqual(ackCommandEvent('ACKNOWLEDGE_SVC_PROBLEM;db-02;disk /;2;1;0;alice;disk; full', 10), {
      time: 10,
      kind: 'ack',
      objKind: 'service',
      host: 'db-02',
      service: 'disk /',
      source: 'command',
      what: 'SET',
      sticky: true,
      author: 'alice',
      comment: 'disk; full',
    });
    const exp = ackCommandEvent('ACKNOWLEDGE_HOST_PROBLEM_EXPIRE;web-01;1;1;0;1800000000;bob;later', 5);
    assert.deepEqual([exp?.host, exp?.sticky, exp?.expires, exp?.author, exp?.comment], ['web-01', false, 1800000000, 'bob', 'later']);
    assert.deepEqual(ackCommandEvent('REMOVE_HOST_ACKNOWLEDGEMENT;web-01', 7), {
      time: 7,
      kind: 'ack',
      objKind: 'host',
      host: 'web-01',
      source: 'command',
      what: 'REMOVED',
    });
    assert.equal(ackCommandEvent('SCHEDULE_HOST_DOWNTIME;web-01;1;2', 1), undefined);
  });

  it('turns recorded alert rows into state events, with the host from the line where Icinga 2 left it null', () => {
    const rows = fixture('alerts.json');
    assert.ok(
      rows.some((r) => r.type === 'HOST ALERT' && r.host_name === null),
      'the fixture has HOST ALERT rows without host_name',
    );
    for (const r of rows) {
      const e = toEvent(r);
      assert.ok(e);
      assert.equal(e.kind, 'state');
      assert.equal(e.host, String(r.options).split(';')[0]);
      assert.equal(rowHost(r), e.host);
      assert.equal(e.state, r.state);
      assert.equal(e.hard, r.state_type === 'HARD');
    }
    const dt = toEvent({
      time: 3,
      type: 'SERVICE DOWNTIME ALERT',
      options: 'web-02;load;STARTED; Service has entered a period of scheduled downtime',
      host_name: 'web-02',
      service_description: 'load',
    });
    assert.deepEqual([dt?.kind, dt?.what, dt?.service], ['downtime', 'STARTED', 'load']);
    assert.equal(toEvent({ time: 1, type: 'LOG ROTATION', options: 'DAILY' }), undefined);
  });
});

const ev = (time: number, kind: LogEvent['kind'], extra: Partial<LogEvent> = {}): LogEvent => ({
  time,
  kind,
  objKind: 'host',
  host: 'h',
  ...extra,
});

describe('incident reduction', () => {
  it('counts incidents, soft-only blips, MTTR inputs, downtime and problems older than the window', () => {
    const events = [
      ev(100, 'state', { state: 1, hard: false, attempt: 1 }),
      ev(160, 'state', { state: 1, hard: true, attempt: 2 }),
      ev(200, 'ack', { what: 'SET', author: 'alice' }),
      ev(400, 'state', { state: 0, hard: true }),
      ev(500, 'state', { state: 1, hard: false }),
      ev(520, 'state', { state: 0, hard: false }),
      ev(600, 'downtime', { what: 'STARTED' }),
      ev(900, 'downtime', { what: 'STOPPED' }),
      ev(950, 'state', { state: 1, hard: true }),
    ];
    const prior = new Map([
      ['old\u0000svc', { state: 2, kind: 'service' as const, host: 'old', service: 'svc' }],
      ['h', { state: 0, kind: 'host' as const, host: 'h' }],
    ]);
    const r = reduce(events, prior, 50, 1000, true);
    assert.equal(r.softOnly, 1);
    assert.equal(r.downtimeSeconds, 300);
    const h = r.incidents.filter((i) => i.host === 'h');
    assert.deepEqual(
      h.map((i) => [i.start, i.end, i.seconds, i.ongoing, i.acknowledged_by]),
      [
        [new Date(100_000).toISOString().replace('.000Z', 'Z'), new Date(400_000).toISOString().replace('.000Z', 'Z'), 300, false, 'alice'],
        [new Date(950_000).toISOString().replace('.000Z', 'Z'), undefined, 50, true, undefined],
      ],
    );
    const old = r.incidents.find((i) => i.host === 'old');
    assert.ok(old, 'a problem that began before the window and stayed quiet is not lost');
    assert.deepEqual([old.state, old.seconds, old.started_before_window, old.ongoing], ['CRITICAL', 950, true, true]);
    const rec = r.entries.find((e) => e.epoch === 400);
    assert.deepEqual([rec?.from_state, rec?.to_state, rec?.after_s], ['DOWN', 'UP', 300]);
    const closedAtEnd = reduce([ev(10, 'state', { state: 1, hard: true })], new Map(), 0, 100, false);
    assert.equal(closedAtEnd.incidents[0]?.open_at_window_end, true);
  });
});

describe('state replay', () => {
  const obj = (o: Partial<CurrentObject> = {}): CurrentObject => ({
    key: 'h',
    kind: 'host',
    host: 'h',
    state: 0,
    hard: true,
    checked: true,
    lsc: 900,
    output: 'now',
    acked: false,
    downtime: false,
    flapping: false,
    ...o,
  });
  const hist = (events: LogEvent[], o: Partial<History> = {}): History => ({
    events: new Map([['h', events]]),
    lo: 0,
    hi: 1000,
    now: 1000,
    notes: [],
    ...o,
  });

  it('anchors on the current state and says so when the log cannot tell', () => {
    const h = hist([ev(100, 'state', { state: 1, hard: true, output: 'down' }), ev(900, 'state', { state: 0, hard: true })]);
    assert.deepEqual(snapshotAt(obj(), h, 950), {
      state: 0,
      hard: true,
      since: 900,
      output: 'now',
      basis: 'current',
      downtime: false,
      flapping: false,
      acked: false,
    });
    const then = snapshotAt(obj(), h, 500);
    assert.deepEqual([then.state, then.since, then.output, then.basis], [1, undefined, 'down', 'log']);
    assert.equal(then.sinceBefore, 100, 'the start of the run is not in the log read');
    const none = snapshotAt(obj({ lsc: 900 }), hist([], { lo: 400 }), 500);
    assert.equal(none.basis, 'unknown');
    assert.match(none.note ?? '', /history incomplete before/);
    const quiet = snapshotAt(obj({ lsc: 0 }), hist([], { lo: 400 }), 500);
    assert.deepEqual([quiet.state, quiet.basis, quiet.sinceBefore], [0, 'current', 400]);
    assert.equal(snapshotAt(obj({ checked: false }), hist([]), 500).pending, true);
  });

  it('reads downtime, acknowledgement and flapping forwards and backwards', () => {
    const h = hist([
      ev(100, 'state', { state: 1, hard: true }),
      ev(200, 'ack', { what: 'SET', sticky: false }),
      ev(300, 'downtime', { what: 'STARTED' }),
      ev(400, 'state', { state: 2, hard: true }),
      ev(500, 'ack', { what: 'SET', sticky: true }),
      ev(600, 'state', { state: 1, hard: true }),
      ev(700, 'flapping', { what: 'STOPPED' }),
      ev(800, 'state', { state: 0, hard: true }),
    ]);
    const o = obj({ lsc: 800 });
    const at = (t: number) => snapshotAt(o, h, t);
    assert.deepEqual(
      [at(150).acked, at(250).acked, at(450).acked, at(550).acked, at(650).acked, at(850).acked],
      [false, true, false, true, true, false],
      'non-sticky cleared by a state change, sticky kept, recovery clears',
    );
    assert.deepEqual([at(250).downtime, at(350).downtime], [false, true]);
    assert.deepEqual([at(650).flapping, at(750).flapping], [true, false], 'flapping before a STOPPED line');
    assert.equal(transitions(o, h, 150, 850), 3);
    const cut = hist([], { hi: 500 });
    assert.equal(snapshotAt(obj({ lsc: 0, downtime: true }), cut, 100).downtime, undefined, 'unknown when the later log was cut');
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator } from '../src/sim/index.js';
import { bulkAcknowledge } from '../src/tools/actions/bulk.js';
import { checksSwitch, notificationsSwitch } from '../src/tools/actions/checks-switch.js';
import { recheck } from '../src/tools/actions/checks.js';
import { addComment, deleteComment } from '../src/tools/actions/comments.js';
import { submitPassiveResult } from '../src/tools/actions/passive.js';
import { runBackgroundQuery } from '../src/tools/escape/background.js';
import { thrukQuery } from '../src/tools/escape/query.js';
import { allTools } from '../src/tools/core/registry.js';
import { connect, CURRENT_ERA, type Era, type Harness } from './helpers/loose.js';

// The records the registry (src/tools/core/registry.ts) lists for this family.
const moreActionTools = [bulkAcknowledge, recheck, checksSwitch, notificationsSwitch, addComment, deleteComment, submitPassiveResult];
const escapeTools = [thrukQuery, runBackgroundQuery];

const tools = [...allTools(), ...moreActionTools, ...escapeTools];
const cmdRequests = (h: Harness) => h.sim.requests.filter((r) => /(^|\/)cmd(\/|$)/.test(r.path));
const open = (era: Era, extra: Parameters<typeof connect>[0] = {}) => connect({ era, tools, ...extra });

async function simGet(h: Harness, path: string): Promise<any> {
  const res = await h.sim.fetch(new Request(`http://s/thruk/r${path}`, { headers: { 'X-Thruk-Auth-Key': 'demo' } }));
  return res.json();
}

// Tool answers do not depend on the protocol era: run once on the current one (protocol suites loop over ERAS).
{
  const era = CURRENT_ERA;
  describe(`comments (${era} era)`, () => {
    it('add → listed with its id → delete asks first → gone', async () => {
      const h = await open(era);
      const add = await h.call('thruk_add_comment', { host: 'db-01', service: 'disk /', comment: 'OPS-7 grows 1 GB/day', author: 'alice' });
      assert.equal(add.structured.status, 'done', add.text);
      assert.equal(add.structured.results[0].verified, 'yes');
      assert.equal(add.structured.commands[0].line, 'ADD_SVC_COMMENT;db-01;disk /;1;alice;OPS-7 grows 1 GB/day');
      const id: number = add.structured.comment_ids[0].id;
      assert.match(add.text, new RegExp(`Comment id on db-01/disk /@icinga2: ${id}`));
      const listed = await h.call('thruk_list_comments', { filter: { field: 'host', value: 'db-01' } });
      assert.ok(
        listed.structured.rows.some((r: any) => r.id === id && r.comment === 'OPS-7 grows 1 GB/day'),
        listed.text,
      );
      const ask = await h.call('thruk_delete_comment', { comment_id: id });
      assert.equal(ask.structured.status, 'confirmation_required');
      assert.match(ask.text, /Comment \d+ on db-01\/disk \/@icinga2 by alice: "OPS-7 grows 1 GB\/day"/);
      const sentBefore = cmdRequests(h).length;
      const del = await h.call('thruk_delete_comment', { comment_id: id, host: 'db-01', service: 'disk /', confirm: true });
      assert.equal(del.structured.status, 'done', del.text);
      assert.equal(del.structured.commands[0].line, `DEL_SVC_COMMENT;${id}`);
      // Object-scoped del_comment: needs rights on db-01/disk / only, not system-command rights.
      assert.equal(del.structured.commands[0].command, 'del_comment');
      assert.equal(cmdRequests(h).length, sentBefore + 1);
      assert.equal(del.structured.results[0].verified, 'yes');
      assert.deepEqual(await simGet(h, `/comments?id=${id}`), []);
      await h.close();
    });

    it('a host comment uses the host commands; a second identical comment gets its own id', async () => {
      const h = await open(era);
      const a = await h.call('thruk_add_comment', { host: 'web-01', comment: 'same text', persistent: false });
      const b = await h.call('thruk_add_comment', { host: 'web-01', comment: 'same text', persistent: false });
      assert.match(a.structured.commands[0].line, /^ADD_HOST_COMMENT;web-01;0;thruk-mcp;same text$/);
      assert.notEqual(a.structured.comment_ids[0].id, b.structured.comment_ids[0].id);
      const del = await h.call('thruk_delete_comment', { comment_id: b.structured.comment_ids[0].id, confirm: true });
      assert.equal(del.structured.commands[0].line, `DEL_HOST_COMMENT;${b.structured.comment_ids[0].id}`);
      assert.equal(del.structured.status, 'done', del.text);
      await h.close();
    });

    it('delete: unknown ids, the wrong object, ack comments and ids shared by backends are explained', async () => {
      const h = await open(era, { simulator: createSimulator({ sites: ['north', 'south'] }) });
      const unknown = await h.call('thruk_delete_comment', { comment_id: 9999 });
      assert.match(unknown.text, /No comment with id 9999.*renumbered|change when it reloads/s);
      const shared = await h.call('thruk_delete_comment', { comment_id: 4 });
      assert.match(shared.text, /exists on several backends: north .*south/);
      const wrong = await h.call('thruk_delete_comment', { comment_id: 4, host: 'web-01', backends: 'north' });
      assert.match(wrong.text, /belongs to mail-01@north, not to web-01/);
      const ack = await h.call('thruk_delete_comment', { comment_id: 4, backends: 'north', dry_run: true });
      assert.equal(ack.structured.status, 'preview');
      assert.match(ack.text, /does not remove the acknowledgement/);
      assert.equal(cmdRequests(h).length, 0);
      await h.close();
    });
  });

  describe(`thruk_submit_passive_result (${era} era)`, () => {
    it('changes the state, logs an alert, and reads it back', async () => {
      const h = await open(era);
      const alertsBefore = (await simGet(h, '/alerts?host_name=mon-01&service_description=backup-job')).length;
      const r = await h.call('thruk_submit_passive_result', {
        host: 'mon-01',
        service: 'backup-job',
        state: 'critical',
        output: 'CRITICAL - backup failed; exit 3',
        perfdata: "time=12.5s;60;120;0 'bytes written'=0B",
      });
      assert.equal(r.structured.status, 'done', r.text);
      assert.equal(r.structured.results[0].verified, 'yes');
      assert.equal(
        r.structured.commands[0].line,
        "PROCESS_SERVICE_CHECK_RESULT;mon-01;backup-job;2;CRITICAL - backup failed; exit 3|time=12.5s;60;120;0 'bytes written'=0B",
      );
      const svc = h.sim.state.service('mon-01', 'backup-job')!;
      assert.equal(svc.state, 2);
      assert.equal(svc.pluginOutput, 'CRITICAL - backup failed; exit 3');
      const alerts: any[] = await simGet(h, '/alerts?host_name=mon-01&service_description=backup-job');
      assert.equal(alerts.length, alertsBefore + 1);
      const host = await h.call('thruk_submit_passive_result', { host: 'web-04', state: 1, output: 'DOWN - no heartbeat' });
      assert.equal(host.structured.status, 'done', host.text);
      assert.match(host.text, /its next scheduled check will replace this result/);
      assert.equal(h.sim.state.host('web-04')!.state, 1);
      await h.close();
    });

    it('refuses what the core would drop or misread, sending nothing', async () => {
      const h = await open(era);
      h.sim.state.service('web-01', 'http')!.acceptPassiveChecks = false;
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ host: 'web-01', service: 'http', state: 'ok', output: 'fine' }, /does not accept passive check results/],
        [{ host: 'web-01', state: 'warning', output: 'x' }, /not valid for a host; use up, down, unreachable or 0-2/],
        [{ host: 'web-01', state: 3, output: 'x' }, /not valid for a host/],
        [{ host: 'web-01', service: 'ssh', state: 'down', output: 'x' }, /not valid for a service/],
        [{ host: 'web-01', service: 'ssh', state: 'ok', output: 'OK | load=1' }, /must not contain '\|'/],
        [{ host: 'web-01', service: 'ssh', state: 'ok', output: 'line1\nline2' }, /single line/],
        [{ host: 'web-01', service: 'ssh', state: 'ok', output: 'OK', perfdata: 'rm -rf /' }, /not Nagios performance data/],
        [{ host: 'web-01', service: 'ssh', state: 'ok', output: 'OK', perfdata: 'a=1|b=2' }, /must not contain '\|'/],
        [{ host: 'web;01', state: 'up', output: 'x' }, /contains ';'/],
        [{ host: 'nope-01', state: 'up', output: 'x' }, /No host named 'nope-01'/],
      ];
      for (const [args, re] of cases) {
        const r = await h.call('thruk_submit_passive_result', args);
        assert.equal(r.isError, true, JSON.stringify(args));
        assert.match(r.text, re, JSON.stringify(args));
      }
      h.sim.state.sites[0]!.program.acceptPassiveServiceChecks = false;
      const global = await h.call('thruk_submit_passive_result', { host: 'web-01', service: 'ssh', state: 'ok', output: 'x' });
      assert.match(global.text, /does not accept passive service checks at all/);
      assert.equal(cmdRequests(h).length, 0);
      await h.close();
    });
  });
}

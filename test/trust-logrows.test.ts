/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/** A log row's object column names the object a command is about, never the id Naemon put into host_name. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendLog, commandEntry } from '../src/sim/loglines.js';
import { connect, rest, type Harness } from './helpers/loose.js';

describe('thruk_list_logs object column for external commands', () => {
  let h: Harness;
  before(async () => {
    h = await connect();
  });
  after(async () => {
    await h.close();
  });

  it('DEL_HOST_DOWNTIME;3 is "host downtime #3", not host 3 (Naemon fills host_name from the first field)', async () => {
    const site = h.sim.state.sites[0];
    assert.ok(site);
    const t = Math.floor(Date.now() / 1000) - 60;
    // As recorded from Naemon 1.5 (two-cores logs_naemon): command rows carry the line's first fields as host/service.
    appendLog(site, { ...commandEntry(t, 'DEL_HOST_DOWNTIME;3'), hostName: '3' });
    appendLog(site, { ...commandEntry(t + 1, 'DEL_SVC_COMMENT;12'), hostName: '12' });
    appendLog(site, { ...commandEntry(t + 2, 'REMOVE_SVC_ACKNOWLEDGEMENT;web-02;load'), hostName: 'web-02', serviceDescription: 'load' });
    const raw = await rest(h, '/logs', { class: '5', 'time[gte]': String(t), columns: 'host_name,options' });
    assert.ok(
      raw.some((r: any) => r.host_name === '3' && r.options === 'DEL_HOST_DOWNTIME;3'),
      'the raw row carries the id as host_name',
    );
    const r = await h.call('thruk_list_logs', { filter: { field: 'class', value: 5 }, since: t - 1 });
    assert.equal(r.isError, undefined, r.text);
    const lineOf = (cmd: string) => r.text.split('\n').find((l) => l.includes(`| ${cmd}`)) ?? '';
    assert.match(lineOf('DEL_HOST_DOWNTIME;3'), /\| EXTERNAL COMMAND \| host downtime #3 \|/, r.text);
    assert.match(lineOf('DEL_SVC_COMMENT;12'), /\| EXTERNAL COMMAND \| service comment #12 \|/);
    assert.match(lineOf('REMOVE_SVC_ACKNOWLEDGEMENT;web-02;load'), /\| EXTERNAL COMMAND \| web-02\/load \|/);
  });
});

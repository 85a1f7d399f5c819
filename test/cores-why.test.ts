/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * thruk_why_alerting on each core flavour behind one Thruk (issue 13), checked against the
 * simulator's raw rows: Icinga 2 hides the command line ('<internal>') and answers last_state_change
 * 0 for a state held since the core started (the answer then says "at least since the core
 * started", never 1970); Naemon shows the command line and a real change time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TWO_CORES } from '../src/sim/index.js';
import { connect, rest, type Harness } from './helpers/harness.js';

const isoOf = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

describe('thruk_why_alerting on Icinga 2 and Naemon', () => {
  let h: Harness;
  before(async () => {
    h = await connect({ sim: { sites: TWO_CORES } });
  });
  after(async () => {
    await h.close();
  });

  it('icinga: a state held since the core started is "for ≥ … (since the core started at …)"; the command is hidden', async () => {
    const raw = (await rest(h, '/sites/icinga/services', {
      'state[ne]': '0',
      last_state_change: '0',
      columns: 'host_name,description,last_state_change,has_been_checked',
    })) as Array<Record<string, any>>;
    const svc = raw.find((r) => r.has_been_checked === true || r.has_been_checked === 1);
    assert.ok(svc, 'an Icinga 2 problem service without a change time');
    const [proc] = (await rest(h, '/sites/icinga/processinfo', { columns: 'program_start' })) as Array<{ program_start: number }>;
    const r = await h.call('thruk_why_alerting', { host: svc.host_name, service: svc.description, backends: 'icinga' });
    assert.equal(r.isError, undefined, r.text);
    assert.equal(r.structured.since, undefined);
    assert.equal(r.structured.since_at_least, isoOf(proc!.program_start));
    assert.match(r.text, new RegExp(`\\(hard\\) for ≥ [^(]+\\(since the core started at ${isoOf(proc!.program_start)}\\)`));
    assert.doesNotMatch(r.text, /1970|56y/);
    assert.equal(r.structured.command.hidden, true);
    assert.match(r.text, /Note: The core hides the command line \(it answers '<internal>', as Icinga 2 does\)/);
  });

  it('naemon: the change time as the core reports it, and the command line', async () => {
    const raw = (await rest(h, '/sites/naemon/services', {
      'state[ne]': '0',
      columns: 'host_name,description,last_state_change,check_command',
    })) as Array<Record<string, any>>;
    const svc = raw.find((r) => r.last_state_change > 0);
    assert.ok(svc, 'a Naemon problem service');
    const [cmd] = (await rest(
      h,
      `/sites/naemon/services/${encodeURIComponent(svc.host_name)}/${encodeURIComponent(svc.description)}/commandline`,
    )) as Array<Record<string, any>>;
    assert.notEqual(cmd!.command_line, '<internal>');
    const r = await h.call('thruk_why_alerting', { host: svc.host_name, service: svc.description, backends: 'naemon' });
    assert.equal(r.isError, undefined, r.text);
    assert.equal(r.structured.since, isoOf(svc.last_state_change));
    assert.equal(r.structured.since_at_least, undefined);
    assert.equal(r.structured.command.hidden, false);
    assert.equal(r.structured.command.command_line, cmd!.command_line);
  });
});

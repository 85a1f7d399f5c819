/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * Issue 12 point 3: what changes the meaning of an answer is in its first lines and the answer
 * budget never cuts it; advice in a note is followed here and checked to help.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capText, leadWithNotes } from '../src/tools/core/adapter.js';
import { estimateTokens } from '../src/tools/lib/format.js';
import { connect, rest, type Harness } from './helpers/loose.js';

describe('notes lead, the budget never cuts them', () => {
  it('leadWithNotes moves every note under the headline, in order', () => {
    const text = ['Headline', 'a | b', '1 | 2', 'Note: first', 'tail', 'Note: second'].join('\n');
    assert.deepEqual(leadWithNotes(text).split('\n'), ['Headline', 'Note: first', 'Note: second', 'a | b', '1 | 2', 'tail']);
    assert.equal(leadWithNotes('Headline\nNote: x\nrow'), 'Headline\nNote: x\nrow');
    assert.equal(leadWithNotes('no notes\nrow'), 'no notes\nrow');
  });

  it('capText keeps the headline and the notes, says it cut in the second line', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `row ${i} ${'x'.repeat(40)}`);
    const text = ['Headline', 'Note: incomplete: 7 hosts skipped', ...body].join('\n');
    const out = capText(text, 1000).split('\n');
    assert.equal(out[0], 'Headline');
    assert.match(out[1] ?? '', /^Note: answer cut at the 1000-token budget/);
    assert.equal(out[2], 'Note: incomplete: 7 hosts skipped');
    assert.ok(estimateTokens(out.join('\n')) <= 1100);
  });
});

describe('notes and their advice through the tools, on a small answer budget', () => {
  let h: Harness;
  before(async () => {
    h = await connect({ config: { maxAnswerTokens: 1500 } });
  });
  after(async () => {
    await h.close();
  });

  it('a list cut by the budget: the advice (fewer columns, next offset) helps', async () => {
    const all = (await rest(h, '/services', { columns: 'host_name,description', sort: 'host_name,description' })) as Array<{
      host_name: string;
      description: string;
    }>;
    const r = await h.call('thruk_list_services', { limit: 200 });
    assert.equal(r.structured.truncated, true, 'the budget cut the page');
    assert.match(r.text, /cut to fit the answer budget; fewer columns fit more rows per page/);
    assert.doesNotMatch(r.text, /smaller limit/);
    const narrow = await h.call('thruk_list_services', { limit: 200, columns: 'host_name,description,state' });
    assert.ok(
      narrow.structured.returned > r.structured.returned,
      `fewer columns: ${narrow.structured.returned} > ${r.structured.returned}`,
    );
    const next = await h.call('thruk_list_services', { limit: 200, offset: r.structured.next_offset });
    const first = next.structured.rows[0];
    assert.deepEqual(
      [first.host_name, first.description],
      [all[r.structured.next_offset]?.host_name, all[r.structured.next_offset]?.description],
      'the next page starts right after the last row shown',
    );
  });

  it('a timeline cut by the budget says so in its first lines, and its "limit=K" advice shows the newest K', async () => {
    const r = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'app-02' }, since: '-6d', limit: 500 });
    assert.equal(r.isError, undefined, r.text);
    const lines = r.text.split('\n');
    const budgetNote = lines.findIndex((l) => /^Note: the answer budget fits \d+ of these/.test(l));
    assert.ok(budgetNote >= 1 && budgetNote <= 3, `note in the first lines:\n${lines.slice(0, 5).join('\n')}`);
    const k = Number(/pass limit=(\d+)/.exec(lines[budgetNote] ?? '')?.[1]);
    assert.ok(k > 0);
    const follow = await h.call('thruk_incident_timeline', { filter: { field: 'host', value: 'app-02' }, since: '-6d', limit: k });
    assert.equal(follow.structured.events.length, k);
    assert.doesNotMatch(follow.text, /the answer budget fits/);
    const newest = r.structured.summary.last_event;
    assert.equal(follow.structured.events.at(-1).time, newest, 'the newest events are the ones shown now');
  });

  it('a note computed last (no data for part of the window) is in the first lines', async () => {
    const r = await h.call('thruk_host_availability', { host: 'db-02', since: '-30d' });
    const lines = r.text.split('\n');
    assert.match(lines[1] ?? '', /^Note: No data for .* of the window/, r.text);
  });
});

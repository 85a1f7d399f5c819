/**
 * Regressions found by the fuzzer (issue 8, suite 1), each pinned with the smallest case that showed it.
 *
 * "SdkError: Connection closed" escaping as an unhandled rejection: the SDK aborts a call's signal
 * with that error as soon as the call has answered (the per-request transport closes). thruk_totals,
 * thruk_stats and thruk_problem_counts started the host request and only then compiled the service
 * filter; when that compile refused the filter, the started request was orphaned, and the abort
 * after the answer rejected it with nobody listening.
 */
// First, so the suite-wide secret guard is in place before any logger exists.
import './helpers/secret-guard.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { defineTool } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';
import { trackRejections, type RejectionTracker } from './helpers/rejections.js';
import { connect, type Harness } from './helpers/harness.js';

const seenAbort: string[] = [];
const probe = defineTool({
  name: 'test_signal_after_answer',
  title: 'probe',
  toolset: 'state',
  access: 'read',
  description: 'Records aborts of its signal.',
  input: z.object({}).strict(),
  output: z.object({ ok: z.boolean() }),
  run: (ctx) => {
    ctx.signal.addEventListener('abort', () => seenAbort.push(String(ctx.signal.reason)), { once: true });
    return Promise.resolve({ data: { ok: true }, text: 'ok' });
  },
});

describe('fuzz regressions', () => {
  let r: Harness;
  let rejections: RejectionTracker;
  before(async () => {
    rejections = trackRejections();
    r = await connect({ tools: [...allTools(), probe], logLevel: 'silent' });
  });
  after(async () => {
    await r.close();
    rejections.stop();
  });

  it('the SDK aborts a call\'s signal with "Connection closed" right after the answer (the mechanism)', async () => {
    const res = await r.call('test_signal_after_answer', {});
    assert.equal(res.text, 'ok');
    await rejections.settle();
    assert.deepEqual(seenAbort, ['SdkError: Connection closed']);
  });

  // The fuzzer's case: {"filter":{"type":"leaf","field":"servicegroup","op":"nregex","value":false},"backends":"nope"}.
  for (const tool of ['thruk_totals', 'thruk_stats', 'thruk_problem_counts']) {
    it(`${tool}: a filter the service side refuses sends nothing and leaves no rejection behind`, async () => {
      const sent = r.sim.requests.length;
      const before = rejections.seen.length;
      const res = await r.call(tool, { filter: { field: 'servicegroup', op: 'regex', value: '^x' } });
      assert.equal(res.isError, true, res.text);
      assert.match(res.text, /servicegroup/);
      await rejections.settle();
      assert.deepEqual(
        r.sim.requests.slice(sent).map((q) => q.path),
        [],
        'a request started before the filter was refused',
      );
      assert.deepEqual(rejections.seen.slice(before), []);
    });
  }
});

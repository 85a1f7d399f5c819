import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALLOWED_GROWTH, catalogNumbers, describeNumbers, readBaseline } from '../bench/catalog.js';

const UPDATE = 'If the growth is intended, accept it with `npm run bench -- --update-baseline` (rewrites bench/tools-baseline.json) and commit that file.';

test(`the tools/list token total stays within ${ALLOWED_GROWTH * 100} % of bench/tools-baseline.json`, async () => {
  const base = readBaseline();
  assert.ok(base !== undefined, `bench/tools-baseline.json is missing or unreadable. Create it with \`npm run bench -- --update-baseline\`.`);
  const now = await catalogNumbers();
  const limit = Math.floor(base.total.tokens * (1 + ALLOWED_GROWTH));
  const grown = Object.entries(now.toolsets)
    .map(([ts, v]) => ({ ts, now: v.tokens, was: base.toolsets[ts]?.tokens }))
    .filter((x) => x.was === undefined || x.now !== x.was)
    .map((x) => `${x.ts} ${x.was ?? 'new'} → ${x.now}`);
  assert.ok(
    now.total.tokens <= limit,
    [
      `tools/list grew to ${now.total.tokens} o200k tokens, more than ${ALLOWED_GROWTH * 100} % over the committed ${base.total.tokens} (limit ${limit}).`,
      `Now: ${describeNumbers(now)}.`,
      `Baseline: ${describeNumbers(base)}.`,
      `Changed toolsets: ${grown.length > 0 ? grown.join(', ') : 'none'}.`,
      'Every tool definition is paid for in every conversation: prefer short descriptions and the shared filter schema.',
      UPDATE,
    ].join('\n'),
  );
});

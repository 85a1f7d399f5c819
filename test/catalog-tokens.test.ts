import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ALL_TARGET,
  ALLOWED_GROWTH,
  catalogNumbers,
  DEFAULT_TARGET,
  describeNumbers,
  readBaseline,
  type CatalogNumbers,
} from '../bench/catalog.js';

const UPDATE =
  'If the growth is intended, accept it with `npm run bench -- --update-baseline` (rewrites bench/tools-baseline.json) and commit that file.';
const WHY = 'Every tool definition is paid for in every conversation: prefer short descriptions and the shared filter schema.';

describe('tools/list token economy (o200k, the real registry through the HTTP handler)', () => {
  let now: CatalogNumbers;
  before(async () => {
    now = await catalogNumbers();
  });

  it('the default selection is a strict subset of everything', () => {
    assert.ok(now.default.tools > 0 && now.total.tools > now.default.tools, describeNumbers(now));
  });

  it(`the default selection (THRUK_TOOLSETS unset) stays within ${DEFAULT_TARGET} tokens`, () => {
    assert.ok(
      now.default.tokens <= DEFAULT_TARGET,
      `default tools/list is ${now.default.tokens} tokens for ${now.default.tools} tools (target ≤ ${DEFAULT_TARGET}). ${WHY} Or move a tool out of DEFAULT_TOOLS (src/tools/core/selection.ts).`,
    );
  });

  it(`every toolset together stays within ${ALL_TARGET} tokens`, () => {
    assert.ok(
      now.total.tokens <= ALL_TARGET,
      `THRUK_TOOLSETS=all tools/list is ${now.total.tokens} tokens for ${now.total.tools} tools (target ≤ ${ALL_TARGET}). ${describeNumbers(now)}. ${WHY}`,
    );
  });

  it(`the total stays within ${ALLOWED_GROWTH * 100} % of bench/tools-baseline.json`, () => {
    const base = readBaseline();
    assert.ok(
      base !== undefined,
      `bench/tools-baseline.json is missing or unreadable. Create it with \`npm run bench -- --update-baseline\`.`,
    );
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
        WHY,
        UPDATE,
      ].join('\n'),
    );
  });
});

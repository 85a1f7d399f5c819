/**
 * The layout fence of issue #16 (eslint.config.js): a toolset imports only tools/core, tools/lib,
 * tools/write and thruk, and tools/lib never imports a toolset. Lints snippets as if they were
 * files of the tree, through ESLint's own API, so the rule is shown to fire (and not to over-fire).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

// CI=true makes typescript-eslint infer a single run and lint the file on disk instead of the
// snippet handed to lintText (the snippet then never reaches the rule): turn that inference off.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { disallowAutomaticSingleRunInference: true } } },
});

async function fenceMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result !== undefined);
  assert.equal(result.messages.filter((m) => m.fatal === true).length, 0, `parsed ${filePath}: ${JSON.stringify(result.messages)}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (names: string) => `\nexport const used = [${names}];\n`;

describe('layout fence (issue #16)', () => {
  it('refuses a toolset importing another toolset, and names the fence', async () => {
    const msgs = await fenceMessages('src/tools/hygiene/hygiene.ts', `import { problems } from '../state/problems.js';${use('problems')}`);
    assert.equal(msgs.length, 1);
    assert.match(
      msgs[0]!,
      /'\.\.\/state\/problems\.js' import is restricted.*Layout fence \(issue #16\): a toolset imports only tools\/core, tools\/lib/,
    );
  });

  it('refuses a toolset reaching outside tools/ other than thruk (server, config)', async () => {
    const msgs = await fenceMessages(
      'src/tools/trends/noisy.ts',
      `import { createLogger } from '../../server/log.js';\nimport type { Config } from '../../config/config.js';${use('createLogger')}\nexport type C = Config;\n`,
    );
    assert.equal(msgs.length, 2);
    for (const m of msgs) assert.match(m, /Layout fence \(issue #16\)/);
  });

  it('lets a toolset import tools/core, tools/lib, tools/write, thruk and its own folder', async () => {
    const code = [
      "import { defineTool } from '../core/define.js';",
      "import { getRows } from '../lib/list.js';",
      "import { runPlan } from '../write/execute.js';",
      "import { compileFilter } from '../../thruk/filter.js';",
      "import { HOST_KEYS } from './paging.js';",
      use('defineTool, getRows, runPlan, compileFilter, HOST_KEYS'),
    ].join('\n');
    assert.deepEqual(await fenceMessages('src/tools/state/hosts.ts', code), []);
  });

  it('refuses tools/lib importing a toolset', async () => {
    const msgs = await fenceMessages('src/tools/lib/rows.ts', `import { listHosts } from '../state/hosts.js';${use('listHosts')}`);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0]!, /tools\/lib imports only tools\/core, tools\/lib and thruk, never a toolset/);
  });

  it('allows only the listed exception, not the rest of the other toolset', async () => {
    assert.deepEqual(
      await fenceMessages('src/tools/hygiene/checks.ts', `import { staleAcks } from '../triage/stale-acks.js';${use('staleAcks')}`),
      [],
    );
    const msgs = await fenceMessages('src/tools/hygiene/checks.ts', `import { whyAlerting } from '../triage/why.js';${use('whyAlerting')}`);
    assert.equal(msgs.length, 1);
  });

  it('has no exception left for the untangled imports (escape → actions, lib/plan-id → write)', async () => {
    assert.equal(
      (await fenceMessages('src/tools/escape/query.ts', `import { resolveAuthor } from '../actions/common.js';${use('resolveAuthor')}`))
        .length,
      1,
    );
    assert.deepEqual(
      await fenceMessages('src/tools/escape/query.ts', `import { resolveAuthor } from '../write/author.js';${use('resolveAuthor')}`),
      [],
    );
    assert.equal(
      (
        await fenceMessages(
          'src/tools/lib/plan-id.ts',
          `import type { Plan } from '../write/plan.js';\nexport const p: Plan | undefined = undefined;`,
        )
      ).length,
      1,
    );
  });

  it('keeps the simulator fence on tools (the fence configs must not drop it)', async () => {
    const msgs = await fenceMessages(
      'src/tools/state/hosts.ts',
      `import { startSimulator } from '../../sim/index.js';${use('startSimulator')}`,
    );
    assert.ok(
      msgs.some((m) => /Only the CLI demo path may load the simulator/.test(m)),
      JSON.stringify(msgs),
    );
  });
});

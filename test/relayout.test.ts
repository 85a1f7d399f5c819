/**
 * scripts/dev/relayout.mjs (issue #16): a branch still importing pre-move paths is rewritten to the
 * new layout, files that moved keep working from their new folder, and a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/dev/relayout.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'relayout-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const run = (...args: string[]) => spawnSync(process.execPath, [script, root, ...args], { encoding: 'utf8' });

// The new layout's modules (contents do not matter, only that they exist).
for (const f of [
  'src/tools/core/define.ts',
  'src/tools/core/registry.ts',
  'src/tools/lib/list.ts',
  'src/tools/lib/objects.ts',
  'src/tools/lib/logwindow.ts',
  'src/tools/lib/time.ts',
  'src/server/log.ts',
  'src/tools/state/hosts.ts',
  'src/tools/state/paging.ts',
])
  put(f, 'export {};\n');
// A new toolset file from a branch written against the old paths.
put(
  'src/tools/hygiene/new.ts',
  [
    "import { defineTool } from '../define.js';",
    "import { getRows } from '../state/common.js';",
    "import { objectName, notFound } from '../state/hosts.js';",
    "import { listHosts } from '../state/hosts.js';",
    "import { sinceArg } from '../trends/common.js';",
    "import { parseTime } from '../../time.js';",
    "import { HOST_KEYS } from '../state/paging.js';",
    '',
  ].join('\n'),
);
// A branch's edit of src/config.ts, carried by git to src/config/config.ts: specifiers still relative to src/.
put('src/config/config.ts', "import { createLogger } from './log.js';\nimport { x } from './config/help.js';\n");
put('src/config/help.ts', 'export {};\n');
put(
  'test/new.test.ts',
  "import { allTools } from '../src/tools/registry.js';\nconst m = await import('../src/tools/state/common.js');\nconst u = new URL('../dist/tools/registry.js', import.meta.url);\n",
);

describe('scripts/dev/relayout.mjs', () => {
  it('--check reports stale imports without writing', () => {
    const r = run('--check');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /stale src\/tools\/hygiene\/new\.ts/);
    assert.match(read('src/tools/hygiene/new.ts'), /'\.\.\/state\/common\.js'/);
  });

  it('rewrites old specifiers to the new modules, relative to each file', () => {
    assert.equal(run().status, 0);
    assert.deepEqual(
      read('src/tools/hygiene/new.ts')
        .split('\n')
        .filter((l) => l !== ''),
      [
        "import { defineTool } from '../core/define.js';",
        "import { getRows } from '../lib/list.js';",
        "import { objectName, notFound } from '../lib/objects.js';",
        // a tool record stays where it is: only the names that moved to lib are retargeted
        "import { listHosts } from '../state/hosts.js';",
        "import { sinceArg } from '../lib/logwindow.js';",
        "import { parseTime } from '../lib/time.js';",
        "import { HOST_KEYS } from '../state/paging.js';",
      ],
    );
    assert.equal(read('src/config/config.ts'), "import { createLogger } from '../server/log.js';\nimport { x } from './help.js';\n");
    assert.equal(
      read('test/new.test.ts'),
      "import { allTools } from '../src/tools/core/registry.js';\nconst m = await import('../src/tools/lib/list.js');\nconst u = new URL('../dist/tools/core/registry.js', import.meta.url);\n",
    );
  });

  it('is idempotent: a second run finds nothing', () => {
    const before = read('src/tools/hygiene/new.ts') + read('src/config/config.ts') + read('test/new.test.ts');
    const r = run('--check');
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /^0 file\(s\) with stale imports/m);
    assert.equal(read('src/tools/hygiene/new.ts') + read('src/config/config.ts') + read('test/new.test.ts'), before);
  });
});

/**
 * The shared vocabulary stays single (issue #16): each of these helpers is defined once, in
 * src/tools/lib, and toolsets import it. A copy defined anywhere else under src/tools fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { plural, multiplePeers, nameText, stringOr, cellText } from '../src/tools/lib/words.js';
import { windowText } from '../src/tools/lib/logwindow.js';
import { page } from '../src/tools/lib/list.js';

const ROOT = join(import.meta.dirname, '..');
const TOOLS = join(ROOT, 'src', 'tools');
/**
 * Names that once had several definitions (some doing different things); now one each, in lib.
 * Not `count`: write/gate's "3 commands" is lib's plural now, and the name stays free for what
 * counts rows (history/objects.ts asks Thruk, backend-health counts reports).
 */
const VOCABULARY = [
  'multiplePeers',
  'plural',
  'str',
  'sinceArg',
  'sinceDefaultedArg',
  'windowText',
  'resolveWindow',
  'nameText',
  'stringOr',
  'cellText',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Function definitions of `name`: `function name(`, or a `const`/`let` bound to an arrow function or a schema factory. */
function definitions(text: string, name: string): number {
  const fn = new RegExp(`\\bfunction\\s+${name}\\s*[<(]`, 'g');
  const arrow = new RegExp(
    `\\b(?:const|let|var)\\s+${name}\\s*(?::[^=]+)?=\\s*(?:async\\s*)?(?:\\([^)]*\\)|[A-Za-z_$][\\w$]*)\\s*(?::[^=]+)?=>`,
    'g',
  );
  return (text.match(fn)?.length ?? 0) + (text.match(arrow)?.length ?? 0);
}

function definedWhere(name: string): string[] {
  return sources(TOOLS)
    .filter((f) => definitions(readFileSync(f, 'utf8'), name) > 0)
    .map((f) => relative(ROOT, f).split('\\').join('/'));
}

test('vocabulary: the definition scanner sees function and arrow definitions, not uses or re-exports', () => {
  assert.equal(definitions('export function plural(n: number) {}', 'plural'), 1);
  assert.equal(definitions('const str = (v: unknown): string => String(v);', 'str'), 1);
  assert.equal(definitions('export const sinceArg = (dflt: string) =>\n  x;', 'sinceArg'), 1);
  assert.equal(definitions("const count = num(r.count);\nplural(count, 'row');", 'count'), 0);
  assert.equal(definitions("export { plural as count } from './words.js';", 'count'), 0);
});

test('vocabulary: each shared helper name is defined only in src/tools/lib, at most once', () => {
  const outside: string[] = [];
  for (const name of VOCABULARY) {
    const where = definedWhere(name);
    for (const f of where) if (!f.startsWith('src/tools/lib/')) outside.push(`${name} in ${f}`);
    assert.ok(where.length <= 1, `${name} is defined ${where.length} times: ${where.join(', ')}`);
  }
  assert.deepEqual(outside, [], 'define it once in src/tools/lib and import it (or give a helper that does something else its own name)');
});

test('vocabulary: the lib helpers keep the answers the copies gave', () => {
  assert.equal(plural(1, 'incident'), '1 incident');
  assert.equal(plural(3, 'incident'), '3 incidents');
  assert.equal(plural(2, 'entry', 'entries'), '2 entries');
  assert.equal(multiplePeers([{ peer_name: 'a' }, { peer_name: 'a' }]), false);
  assert.equal(multiplePeers([{ peer_name: 'a' }, { peer_name: 'b' }]), true);
  assert.equal(multiplePeers([]), false);
  assert.equal(nameText('web 01'), 'web 01');
  assert.equal(nameText(7), '7');
  assert.equal(nameText(null), '');
  assert.equal(stringOr(7), '');
  assert.equal(stringOr('x'), 'x');
  assert.equal(cellText(undefined), '');
  assert.equal(cellText(null), '');
  assert.equal(cellText(12), '12');
  // 2026-11-21T00:00:00Z → +90 minutes
  assert.equal(
    windowText({ since: 1_763_683_200, until: 1_763_683_200 + 5400 }),
    `${new Date(1_763_683_200_000).toISOString().replace('.000Z', 'Z')} → ${new Date((1_763_683_200 + 5400) * 1000).toISOString().replace('.000Z', 'Z')} (1h 30m)`,
  );
});

test('vocabulary: page() is generic over the row type and hands back the very rows it kept', () => {
  interface Finding {
    readonly name: string;
    readonly at: number;
  }
  const all: Finding[] = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, at: i }));
  const pg = page(all, (f) => `${f.name} at ${f.at}`, { offset: 1, limit: 3, budgetTokens: 10_000, what: 'findings' });
  // Typed without a cast: `at` is a number here, and the objects are the caller's own.
  const ats: number[] = pg.rows.map((f) => f.at);
  assert.deepEqual(ats, [1, 2, 3]);
  assert.equal(pg.rows[0], all[1]);
  assert.deepEqual(pg.lines, ['f1 at 1', 'f2 at 2', 'f3 at 3']);
  assert.deepEqual(pg.meta, { total: 5, offset: 1, returned: 3, next_offset: 4 });
});

#!/usr/bin/env node
/**
 * Issue #16 relayout: rewrites relative import specifiers that still point at a pre-#16 path.
 *
 *   node scripts/dev/relayout.mjs [root] [--check]
 *
 * Walks src/, test/, bench/ and scripts/ under root (default: the current directory). Every quoted
 * relative specifier ending in .js/.ts (static and dynamic imports, `new URL(…, import.meta.url)`)
 * that resolves to an old path in MOVES is rewritten to the new path, relative to the file. A file
 * that itself moved (a branch edited src/config.ts, git carried the edit to src/config/config.ts)
 * still holds specifiers relative to its old folder: when a specifier does not resolve from the
 * new folder it is resolved from the old one. A specifier that already resolves is left alone, so
 * running it twice changes nothing. dist/ counterparts are mapped too (tests spawn dist/ files).
 * --check: print what would change and exit 1 if anything would.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';

/** old → new, repository-relative, without extension. Keep in step with CONTRIBUTING.md's layout map. */
export const MOVES = {
  'src/config': 'src/config/config',
  'src/config-file': 'src/config/file',
  'src/config-http': 'src/config/http',
  'src/config-compat': 'src/config/compat',
  'src/help': 'src/config/help',
  'src/server': 'src/server/server',
  'src/scope': 'src/server/scope',
  'src/names': 'src/server/names',
  'src/resources': 'src/server/resources',
  'src/prompts': 'src/server/prompts',
  'src/audit': 'src/server/audit',
  'src/runtime': 'src/server/runtime',
  'src/log': 'src/server/log',
  'src/metrics': 'src/transports/metrics',
  'src/readiness': 'src/transports/readiness',
  'src/build-manifest': 'src/cli/build-manifest',
  'src/invocation': 'src/cli/invocation',
  'src/subcommands': 'src/cli/subcommands',
  'src/call-args': 'src/cli/call-args',
  'src/brief-cli': 'src/cli/brief',
  'src/invoke': 'src/tools/core/invoke',
  'src/reach': 'src/tools/core/reach',
  'src/tools/define': 'src/tools/core/define',
  'src/tools/adapter': 'src/tools/core/adapter',
  'src/tools/publish': 'src/tools/core/publish',
  'src/tools/published': 'src/tools/core/published',
  'src/tools/selection': 'src/tools/core/selection',
  'src/tools/registry': 'src/tools/core/registry',
  'src/time': 'src/tools/lib/time',
  'src/perfdata': 'src/tools/lib/perfdata',
  'src/tools/closest': 'src/tools/lib/closest',
  'src/tools/cores': 'src/tools/lib/cores',
  'src/tools/format': 'src/tools/lib/format',
  'src/tools/loghost': 'src/tools/lib/loghost',
  'src/tools/logquery': 'src/tools/lib/logquery',
  'src/tools/plan-id': 'src/tools/lib/plan-id',
  'src/tools/time-arg': 'src/tools/lib/time-arg',
  'src/tools/state/common': 'src/tools/lib/list',
  'src/tools/state/rows': 'src/tools/lib/rows',
  'src/tools/state/scope': 'src/tools/lib/filter-scope',
  'src/tools/state/corestart': 'src/tools/lib/corestart',
  'src/tools/trends/common': 'src/tools/lib/logwindow',
  'src/tools/downtimes/entries': 'src/tools/lib/downtime-entries',
  'src/tools/downtimes/hostscope': 'src/tools/lib/hostscope',
  'src/tools/triage/live-common': 'src/tools/lib/problems',
  'src/tools/perfdata/headroom': 'src/tools/lib/headroom',
  'src/tools/availability/lookup': 'src/tools/lib/availability-lookup',
};

/**
 * Names that left a toolset module for tools/lib: an import or re-export of only these names from
 * the old module is pointed at the new one (the module itself stays, holding its tools).
 */
export const RETARGET = {
  'src/tools/state/hosts': { to: 'src/tools/lib/objects', names: ['objectName', 'hostNameArg', 'hostSuggestions', 'notFound'] },
  'src/tools/state/services': { to: 'src/tools/lib/objects', names: ['SERVICE_FILTER_FIELDS'] },
};

const ALL = { ...MOVES };
for (const [from, to] of Object.entries(MOVES)) ALL[from.replace(/^src\//, 'dist/')] = to.replace(/^src\//, 'dist/');
const BACK = Object.fromEntries(Object.entries(MOVES).map(([from, to]) => [to, from]));

const DIRS = ['src', 'test', 'bench', 'scripts'];
const EXT = /\.(ts|mts|js|mjs)$/;
const NAMED = /\b(import|export)(\s+type)?(\s*\{)([^}]*)(\}\s*from\s*)(['"])(\.{1,2}\/[^'"\s]*?)\.(js|ts)\6/g;
const SPEC = /(['"])(\.{1,2}\/[^'"\s]*?)\.(js|ts)\1/g;

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (EXT.test(name)) yield p;
  }
}

const toPosix = (p) => p.split(sep).join('/');

/** Does the module `rel` (repo-relative, no extension) exist in the tree (as source, or as a dist/ output of a source)? */
function exists(root, rel) {
  const src = rel.startsWith('dist/') ? `src/${rel.slice(5)}` : rel;
  return ['.ts', '.js', '.mjs', '.mts'].some((e) => existsSync(join(root, src + e)));
}

function specifierFor(fromDir, target, ext) {
  let s = posix.relative(fromDir, target);
  if (!s.startsWith('.')) s = `./${s}`;
  return `${s}.${ext}`;
}

/** The file's text with stale specifiers rewritten. `file` is repo-relative, posix. */
export function rewrite(root, file, text) {
  const here = posix.dirname(file);
  const stem = file.replace(EXT, '');
  const was = BACK[stem];
  const oldHere = was !== undefined ? posix.dirname(was) : here;
  const retargeted = text.replace(NAMED, (whole, kw, type, open, names, from, q, spec, ext) => {
    const r =
      RETARGET[posix.normalize(posix.join(here, spec))] ??
      (exists(root, posix.normalize(posix.join(here, spec))) ? undefined : RETARGET[posix.normalize(posix.join(oldHere, spec))]);
    if (r === undefined || r.to === stem) return whole;
    const used = names
      .split(',')
      .map(
        (n) =>
          n
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0],
      )
      .filter((n) => n !== '');
    if (!used.every((n) => r.names.includes(n))) return whole;
    return `${kw}${type ?? ''}${open}${names}${from}${q}${specifierFor(here, r.to, ext)}${q}`;
  });
  return retargeted.replace(SPEC, (whole, q, spec, ext) => {
    const fromNew = posix.normalize(posix.join(here, spec));
    const mappedNew = ALL[fromNew];
    if (mappedNew !== undefined && !exists(root, fromNew)) return `${q}${specifierFor(here, mappedNew, ext)}${q}`;
    if (exists(root, fromNew)) return whole;
    const fromOld = posix.normalize(posix.join(oldHere, spec));
    const target = ALL[fromOld] ?? fromOld;
    if (target === fromNew || !exists(root, target)) return whole;
    return `${q}${specifierFor(here, target, ext)}${q}`;
  });
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const root = resolve(args.find((a) => !a.startsWith('--')) ?? '.');
  let changed = 0;
  for (const d of DIRS) {
    for (const abs of files(join(root, d))) {
      const rel = toPosix(relative(root, abs));
      // Its own test holds old paths on purpose, as fixtures.
      if (rel === 'test/relayout.test.ts') continue;
      const text = readFileSync(abs, 'utf8');
      const out = rewrite(root, rel, text);
      if (out === text) continue;
      changed++;
      process.stdout.write(`${check ? 'stale' : 'rewrote'} ${rel}\n`);
      if (!check) writeFileSync(abs, out);
    }
  }
  process.stdout.write(`${changed} file(s) ${check ? 'with stale imports' : 'rewritten'}\n`);
  if (check && changed > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();

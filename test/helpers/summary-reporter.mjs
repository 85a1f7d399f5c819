/**
 * The test command's reporter: node's TAP output unchanged (its closing `# pass`/`# fail`/
 * `# cancelled` lines are what CI reads), then a short block naming what a reader must not miss in
 * thousands of TAP lines: every failed or cancelled test with its file, and every suite skipped
 * for a reason (a missing system binary says what to install).
 *
 *   node --test --test-reporter=./test/helpers/summary-reporter.mjs --test-reporter-destination=stdout …
 *
 * Plain JavaScript: node loads reporters before any --import hook, so tsx cannot compile it.
 */
import { relative } from 'node:path';
import { tap } from 'node:test/reporters';

/** Collects failures and reasoned skips from the runner's events; `lines()` renders the block. */
export function summaryCollector(cwd = process.cwd()) {
  const failures = [];
  const skips = [];
  const cancelledBy = new Map();
  const fileOf = (d) => (d.file !== undefined ? relative(cwd, d.file) : '?');
  return {
    see(ev) {
      const d = ev.data ?? {};
      if (ev.type === 'test:fail') {
        const err = d.details?.error;
        const ft = err?.failureType;
        // A parent that failed only because a child did adds nothing: its children are listed.
        if (ft === 'subtestsFailed') return;
        // A failing todo is a known gap the runner does not count as a failure: not listed as one.
        if (d.todo !== undefined && d.todo !== false) return;
        if (ft === 'cancelledByParent') {
          cancelledBy.set(fileOf(d), (cancelledBy.get(fileOf(d)) ?? 0) + 1);
          return;
        }
        const cause = err?.cause instanceof Error ? err.cause.message : typeof err?.cause === 'string' ? err.cause : undefined;
        const first = String(cause ?? err?.message ?? '').split('\n')[0] ?? '';
        const hook = ft === 'hookFailed';
        failures.push({
          file: fileOf(d),
          name: d.name ?? '?',
          kind: hook ? 'CANCELLED' : 'FAILED   ',
          reason: hook ? `${err?.message ?? 'hook failed'}: ${first}` : first,
        });
      } else if (ev.type === 'test:pass' && typeof d.skip === 'string' && d.details?.type === 'suite') {
        skips.push({ file: fileOf(d), name: d.name ?? '?', reason: d.skip });
      }
    },
    lines() {
      const out = skips.map((s) => `# SKIPPED ${s.file} › ${s.name}: ${s.reason}`);
      if (failures.length === 0 && cancelledBy.size === 0) return out;
      out.push('#', '# ── failed or cancelled tests ──');
      for (const f of failures) out.push(`# ${f.kind} ${f.file} › ${f.name}${f.reason !== '' ? ` — ${f.reason.slice(0, 200)}` : ''}`);
      for (const [file, n] of cancelledBy)
        out.push(`# CANCELLED ${file}: ${n} test(s) did not run because their suite stopped (see above)`);
      return out;
    },
  };
}

async function* summaryReporter(source) {
  const c = summaryCollector();
  async function* watched() {
    for await (const ev of source) {
      c.see(ev);
      yield ev;
    }
  }
  // node:test's own TAP reporter renders everything, so the closing counts stay exactly node's.
  yield* tap(watched());
  const lines = c.lines();
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

// node:test loads a custom reporter from the module's default export.
export default summaryReporter;

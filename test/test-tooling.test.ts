/**
 * The test command's own tooling: the summary reporter (failed and cancelled tests named with their
 * file after node's closing counts) and the system-binary lookup (skip with a hint, or fail when CI
 * requires the suite).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { REQUIRE_SYSTEM_TESTS_ENV, systemBinary } from './helpers/system-binary.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// A node --test started from inside a test would otherwise report to its parent, not to stdout.
const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;

describe('summary reporter', () => {
  const r = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=./test/helpers/summary-reporter.mjs',
      '--test-reporter-destination=stdout',
      'test/fixtures/reporter/sample.mjs',
    ],
    { cwd: root, env, encoding: 'utf8', timeout: 60_000 },
  );
  const lines = r.stdout.trimEnd().split('\n');

  it("keeps node's exit code and TAP closing counts", () => {
    assert.equal(r.status, 1);
    for (const l of ['# pass 1', '# fail 1', '# cancelled 2']) assert.ok(lines.includes(l), `${l} in ${lines.slice(-15).join(' | ')}`);
  });

  it('ends with each failed or cancelled test and its file, after the counts', () => {
    const at = lines.findIndex((l) => l.startsWith('# duration_ms'));
    const tail = lines.slice(at + 1);
    assert.ok(tail.includes('# FAILED    test/fixtures/reporter/sample.mjs › plain failure — expected 1, got 2'), tail.join('\n'));
    assert.ok(
      tail.includes('# CANCELLED test/fixtures/reporter/sample.mjs › suite whose hook fails — failed running before hook: boom in before'),
      tail.join('\n'),
    );
    assert.ok(
      tail.includes('# CANCELLED test/fixtures/reporter/sample.mjs: 2 test(s) did not run because their suite stopped (see above)'),
      tail.join('\n'),
    );
    assert.equal(tail.filter((l) => l.includes('passes')).length, 0, 'passing tests are not listed');
    assert.equal(tail.filter((l) => l.includes('known gap')).length, 0, 'a failing todo is not listed as a failure');
    assert.ok(lines.includes('# todo 1'), 'the todo is still counted by the runner');
  });

  it('names a skipped suite with its reason', () => {
    assert.ok(
      lines.includes(
        '# SKIPPED test/fixtures/reporter/sample.mjs › needs a program: frobnicate is not installed: apt-get install frobnicate',
      ),
      lines.slice(-10).join('\n'),
    );
  });

  it('adds no failure block when everything passed', () => {
    const ok = spawnSync(
      process.execPath,
      [
        '--test',
        '--test-reporter=./test/helpers/summary-reporter.mjs',
        '--test-reporter-destination=stdout',
        'test/fixtures/reporter/passing.mjs',
      ],
      { cwd: root, env, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(ok.status, 0, ok.stdout.slice(-800));
    const out = ok.stdout.trimEnd().split('\n');
    const tail = out.slice(out.findIndex((l) => l.startsWith('# duration_ms')) + 1);
    assert.deepEqual(tail, []);
  });
});

describe('system binaries (test/helpers/system-binary.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-bin-'));
  const exe = join(dir, 'frobnicate-xyz');
  writeFileSync(exe, '#!/bin/sh\n');
  chmodSync(exe, 0o755);

  it('finds a program on PATH', () => {
    assert.deepEqual(systemBinary('frobnicate-xyz', 'apt-get install frobnicate', { PATH: `/nonexistent:${dir}` }), {
      path: exe,
      skip: false,
    });
  });

  it('skips with what to install when it is not on PATH', () => {
    const b = systemBinary('frobnicate-xyz', 'apt-get install frobnicate', { PATH: '/nonexistent' });
    assert.equal(b.path, undefined);
    assert.match(String(b.skip), /frobnicate-xyz is not installed: apt-get install frobnicate/);
    assert.match(String(b.skip), new RegExp(REQUIRE_SYSTEM_TESTS_ENV));
  });

  it(`runs (and so fails) instead of skipping when ${REQUIRE_SYSTEM_TESTS_ENV}=1`, () => {
    assert.deepEqual(systemBinary('frobnicate-xyz', 'x', { PATH: '/nonexistent', [REQUIRE_SYSTEM_TESTS_ENV]: '1' }), {
      path: undefined,
      skip: false,
    });
    rmSync(dir, { recursive: true, force: true });
  });
});

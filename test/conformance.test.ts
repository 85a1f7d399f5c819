import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertBuilt,
  E2E_PACKAGES,
  e2eSkipped,
  e2eTools,
  parseScenarioList,
  readOutcomes,
  runConformance,
  startHttpServer,
  type ConformanceRun,
  type RunningServer,
} from './helpers/e2e.js';

/**
 * The official MCP conformance suite (server scenarios) against the built server's HTTP mode.
 * Many scenarios call the reference "everything" server's own fixtures (test_simple_text,
 * test://static-text, …); test/conformance-baseline.json lists those with the reason, and this
 * test keeps that file true in both directions.
 */

interface Baseline {
  conformance: string;
  expectedFailures: Record<string, { error: string; reason: string }>;
  vacuousPasses: Record<string, string>;
}

const baseline = JSON.parse(readFileSync(new URL('./conformance-baseline.json', import.meta.url), 'utf8')) as Baseline;
/** The scenarios the issue names as ours: they must pass, never be baselined. */
const MUST_PASS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'dns-rebinding-protection'];

describe('the baseline file', () => {
  it('describes the pinned suite version and gives every entry a reason and an expected error', () => {
    assert.equal(`@modelcontextprotocol/conformance@${baseline.conformance}`, E2E_PACKAGES.conformance);
    for (const [name, entry] of Object.entries(baseline.expectedFailures)) {
      assert.ok(entry.reason.length > 20, `${name}: reason missing`);
      assert.ok(entry.error.length > 0, `${name}: expected error missing`);
      assert.ok(!MUST_PASS.includes(name), `${name} applies to us and may not be baselined`);
    }
  });

  it("reads the suite's outputs: the scenario list and one checks.json folder per scenario", () => {
    assert.deepEqual(
      parseScenarioList(
        'Server scenarios (test against a server):\n  - server-initialize [2025-06-18,2025-11-25]\n  - dns-rebinding-protection [2025-11-25]\n',
      ),
      ['server-initialize', 'dns-rebinding-protection'],
    );
    const out = mkdtempSync(join(tmpdir(), 'thruk-mcp-outcomes-'));
    const write = (dir: string, checks: unknown[]) => {
      mkdirSync(join(out, dir));
      writeFileSync(join(out, dir, 'checks.json'), JSON.stringify(checks));
    };
    write('server-tools-call-with-progress-2026-11-21T08-02-42-997Z', [
      { id: 'tools-call-with-progress', status: 'FAILURE', errorMessage: 'No progress notifications received' },
    ]);
    write('server-server-sse-polling-2026-11-21T08-14-08-938Z', [
      { id: 'a', status: 'WARNING' },
      { id: 'b', status: 'INFO' },
      { id: 'c', status: 'SUCCESS' },
    ]);
    mkdirSync(join(out, 'unrelated'));
    const o = readOutcomes(out);
    assert.deepEqual([...o.keys()].sort(), ['server-sse-polling', 'tools-call-with-progress']);
    assert.deepEqual(o.get('tools-call-with-progress'), {
      scenario: 'tools-call-with-progress',
      passed: false,
      failures: [{ id: 'tools-call-with-progress', message: 'No progress notifications received' }],
      warnings: [],
    });
    assert.equal(o.get('server-sse-polling')?.passed, true);
    assert.deepEqual(o.get('server-sse-polling')?.warnings, ['a']);
    rmSync(out, { recursive: true, force: true });
  });
});

describe('MCP conformance suite against the HTTP mode', { skip: e2eSkipped(), timeout: 600_000 }, () => {
  let server: RunningServer;
  let run: ConformanceRun;
  before(
    async () => {
      assertBuilt();
      await e2eTools();
      // The suite cannot send a bearer token, and its DNS-rebinding scenario targets exactly this
      // setup: an unauthenticated server on loopback.
      server = await startHttpServer({ MCP_HTTP_ALLOW_UNAUTHENTICATED: 'true' });
      run = await runConformance(server.url);
    },
    { timeout: 600_000 },
  );
  after(async () => {
    if (server !== undefined) assert.equal(await server.stop(), 0, 'graceful exit on SIGTERM');
  });

  const describeFailures = (names: readonly string[]) =>
    names
      .map(
        (n) =>
          `${n}: ${
            run.outcomes
              .get(n)
              ?.failures.map((f) => `${f.id}: ${f.message}`)
              .join('; ') ?? 'did not run'
          }`,
      )
      .join('\n');

  it('runs every server scenario the suite knows', () => {
    assert.ok(run.listed.length >= 30, `conformance list --server gave ${run.listed.length} scenarios:\n${run.stdout.slice(-2000)}`);
    assert.deepEqual(
      [...run.outcomes.keys()].sort(),
      [...run.listed].sort(),
      `stdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr.slice(-2000)}`,
    );
  });

  it('passes initialization, ping, tools/resources/prompts listing and DNS-rebinding protection', () => {
    const failed = MUST_PASS.filter((n) => run.outcomes.get(n)?.passed !== true);
    assert.deepEqual(failed, [], describeFailures(failed));
  });

  it('fails no scenario outside the baseline', () => {
    const unexpected = [...run.outcomes.values()]
      .filter((o) => !o.passed && baseline.expectedFailures[o.scenario] === undefined)
      .map((o) => o.scenario);
    assert.deepEqual(
      unexpected,
      [],
      `new conformance failures (fix them, or baseline them with a reason):\n${describeFailures(unexpected)}`,
    );
  });

  it('has no stale baseline entry: each listed scenario still runs and still fails, for the stated reason', () => {
    for (const [name, entry] of Object.entries(baseline.expectedFailures)) {
      const o = run.outcomes.get(name);
      assert.ok(o !== undefined, `${name} is in the baseline but the suite no longer has it: remove the entry`);
      assert.ok(!o.passed, `${name} passes now: remove it from test/conformance-baseline.json`);
      const messages = o.failures.map((f) => f.message).join('; ');
      assert.ok(messages.includes(entry.error), `${name} fails for another reason than the baseline says ("${entry.error}"): ${messages}`);
    }
    for (const name of Object.keys(baseline.vacuousPasses).filter((k) => !k.startsWith('$'))) {
      assert.equal(
        run.outcomes.get(name)?.passed,
        true,
        `${name} is noted as a vacuous pass but does not pass: ${describeFailures([name])}`,
      );
    }
  });

  it("agrees with the suite's own verdict (exit code)", () => {
    const failing = [...run.outcomes.values()].some((o) => !o.passed);
    assert.equal(run.code, failing ? 1 : 0);
  });
});

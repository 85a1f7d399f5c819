/**
 * The oracle's runner: each property builds the generated scenario (oracle.ts), asks the tools
 * through a real MCP client and compares their numbers with the reference (oracle-ref*.ts).
 * Shared by test/oracle.test.ts (few runs, fixed seed) and scripts/oracle.ts
 * (`npm run oracle -- --runs N`).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect, type Harness } from './harness.js';
import { demoConfig } from './config.js';
import type { Property } from './oracle-common.js';
import {
  availability,
  flapping,
  groupAvailability,
  noisy,
  recurring,
  reliability,
  serviceAvailability,
  timeline,
} from './oracle-props-log.js';
import { agree } from './oracle-props-agree.js';
import { alertHeatmap, concurrentFailures, notificationSummary, timelineLongest, unreachableVsDown } from './oracle-props-log2.js';
import { counters, handling, lists, rootCause, stale, unhandled } from './oracle-props-state.js';
import { buildScenario, scenarioArb, type Scenario } from './oracle.js';
import { refTotals } from './oracle-ref.js';

export interface OracleRun {
  numRuns: number;
  seed?: number | undefined;
  path?: string | undefined;
  /** false: stop at the first failure unshrunk (cheap, for known failures) */
  shrink?: boolean;
}

/** What a failed oracle property says: the shrunk scenario, the cause, and the replay line. */
export class OracleFailure extends Error {
  constructor(
    readonly property: string,
    readonly details: fc.RunDetails<[Scenario]>,
  ) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    super(
      [
        `oracle property "${property}" failed at run ${details.numRuns}, shrunk ${details.numShrinks} time(s) to this minimal scenario:`,
        `  ${JSON.stringify(details.counterexample?.[0] ?? null)}`,
        `cause: ${cause}`,
        `replay: npm run oracle -- --only ${property} --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`,
      ].join('\n'),
    );
    this.name = 'OracleFailure';
  }
}

async function withScenario<T>(s: Scenario, body: (h: Harness) => Promise<T>): Promise<T> {
  const config = demoConfig();
  const sim = buildScenario(s, Date.now(), config.thruk.apiKey);
  const h = await connect({ simulator: sim });
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

/**
 * A deliberately wrong claim (no host is ever pending), to show that shrinking and replay work.
 * It reads the simulator directly (no MCP round trip): shrinking runs it many times.
 */
const wrongOnPurpose = (s: Scenario): void => {
  const sim = buildScenario(s, Date.now(), 'x');
  assert.equal(refTotals(sim).hosts.pending, 0, 'hosts.pending (deliberately wrong claim)');
};

/** Not run by scripts/oracle.ts: the self-test of the runner. */
export const SELF_TEST: Readonly<Record<string, (s: Scenario) => void>> = { 'wrong-on-purpose': wrongOnPurpose };

export const PROPERTIES: Readonly<Record<string, Property>> = {
  counters,
  agree: agree(),
  'agree-scoped': agree('linux-servers'),
  notifications: notificationSummary,
  heatmap: alertHeatmap,
  concurrent: concurrentFailures,
  'unreachable-vs-down': unreachableVsDown,
  lists: lists(false),
  handling,
  noisy,
  'root-cause': rootCause(),
  'root-cause-scoped': rootCause('windows-servers'),
  pending: lists(true),
  flapping,
  stale,
  unhandled,
  recurring,
  reliability: reliability(false),
  'reliability-cores': reliability(true),
};

/** Properties that look at the scenario itself too (which objects it touched). */
const SCENARIO_PROPERTIES: Readonly<Record<string, (s: Scenario) => Property>> = {
  availability,
  'group-availability': () => groupAvailability('-2d', false),
  'no-data-headline': () => groupAvailability('-10d', true),
  timeline,
  'timeline-longest': timelineLongest,
  'service-availability': serviceAvailability,
};

export const ALL_PROPERTIES: readonly string[] = [...Object.keys(PROPERTIES), ...Object.keys(SCENARIO_PROPERTIES)];

export async function runOracle(name: string, o: OracleRun): Promise<number> {
  const scenarioProp = SCENARIO_PROPERTIES[name];
  const prop = PROPERTIES[name] ?? (scenarioProp !== undefined ? 'scenario' : undefined);
  const self = SELF_TEST[name];
  if (prop === undefined && self === undefined) throw new Error(`no oracle property ${name}`);
  const body =
    scenarioProp !== undefined
      ? (s: Scenario) => withScenario(s, scenarioProp(s))
      : typeof prop === 'function'
        ? (s: Scenario) => withScenario(s, prop)
        : (s: Scenario) => Promise.resolve(self?.(s));
  const details = await fc.check(fc.asyncProperty(scenarioArb, body), {
    numRuns: o.numRuns,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.path !== undefined && o.path !== '' ? { path: o.path } : {}),
    endOnFailure: o.shrink === false,
  });
  if (details.failed) throw new OracleFailure(name, details);
  return details.numRuns;
}

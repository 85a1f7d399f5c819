/**
 * Full fuzz run (issue 8, suite 1): `node --import tsx scripts/fuzz.ts [toolCases] [filterCases]`.
 * Default 10 000 tool calls + 2 000 filters (¾ host, ¼ service), random seed (printed).
 * A failure prints the shrunk minimal case and its replay line:
 * FUZZ_SEED=… FUZZ_PATH=… FUZZ_ONLY=tools|host-filters|service-filters node --import tsx scripts/fuzz.ts
 */
import { fuzzFilters, HOSTS_SPEC, SERVICES_SPEC } from '../test/helpers/fuzz-filters.js';
import { fuzzRig, fuzzTools, newStats } from '../test/helpers/fuzzkit.js';
import { allTools } from '../src/tools/core/registry.js';

const toolCases = Number(process.argv[2] ?? 10_000);
const filterCases = Number(process.argv[3] ?? 2_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const path = process.env.FUZZ_PATH;
const only = process.env.FUZZ_ONLY;
const wants = (key: string): boolean => only === undefined || only === '' || only === key;

const f = await fuzzRig();
const stats = newStats();
const t0 = Date.now();
let failed: unknown;
try {
  const run = { seed, path };
  if (wants('tools') && toolCases > 0) await fuzzTools(f, toolCases, stats, run);
  if (wants('host-filters') && filterCases > 0) await fuzzFilters(f, HOSTS_SPEC, Math.round(filterCases * 0.75), stats, run);
  if (wants('service-filters') && filterCases > 0) await fuzzFilters(f, SERVICES_SPEC, Math.round(filterCases * 0.25), stats, run);
} catch (err) {
  failed = err;
}
await f.rejections.settle();
await f.close();
const out = {
  seed,
  ms: Date.now() - t0,
  toolCases: stats.cases,
  invalid: stats.invalid,
  toolError: stats.error,
  ok: stats.ok,
  toolsExercised: `${stats.perTool.size}/${allTools().length}`,
  filterCases: stats.filterCases,
  filterRefused: stats.filterRefused,
  filterNonEmpty: stats.filterMatched,
  wireRequestsChecked: stats.wireChecked,
  unhandledRejections: f.rejections.seen.length,
  node: process.version,
  date: new Date().toISOString(),
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
if (failed !== undefined) {
  process.stderr.write(`${failed instanceof Error ? failed.message : JSON.stringify(failed)}\n`);
  process.exitCode = 1;
}
if (f.rejections.seen.length > 0) {
  process.stderr.write(`unhandled rejections: ${[...new Set(f.rejections.seen)].join('; ')}\n`);
  process.exitCode = 1;
}

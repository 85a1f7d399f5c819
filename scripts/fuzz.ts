/**
 * Full fuzz run (issue 8, suite 1): `node --import tsx scripts/fuzz.ts [toolCases] [filterCases]`.
 * Default 10 000 tool calls + 2 000 filters, random seed (printed; rerun with FUZZ_SEED).
 */
import { fuzzFilters, fuzzRig, fuzzTools, HOSTS_SPEC, newStats, SERVICES_SPEC } from '../test/helpers/fuzzkit.js';
import { allTools } from '../src/tools/registry.js';

const toolCases = Number(process.argv[2] ?? 10_000);
const filterCases = Number(process.argv[3] ?? 2_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const rejections: string[] = [];
process.on('unhandledRejection', (e) => { rejections.push(String(e)); });
const { h, answered } = await fuzzRig();
const stats = newStats();
const t0 = Date.now();
let failed: unknown;
try {
  await fuzzTools(h, answered, toolCases, stats, seed);
  await fuzzFilters(h, answered, HOSTS_SPEC, Math.round(filterCases * 0.75), stats, seed);
  await fuzzFilters(h, answered, SERVICES_SPEC, Math.round(filterCases * 0.25), stats, seed);
} catch (err) {
  failed = err;
}
await h.close();
const out = {
  seed, ms: Date.now() - t0, toolCases: stats.cases, invalid: stats.invalid, toolError: stats.error, ok: stats.ok,
  toolsExercised: `${stats.perTool.size}/${allTools().length}`, filterCases: stats.filterCases, filterRefused: stats.filterRefused,
  filterNonEmpty: stats.filterMatched, unhandledRejections: rejections.length, node: process.version, date: new Date().toISOString(),
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
if (failed !== undefined) { process.stderr.write(`${failed instanceof Error ? failed.message : JSON.stringify(failed)}\n`); process.exitCode = 1; }
if (rejections.length > 0) { process.stderr.write(`unhandled rejections: ${[...new Set(rejections)].join('; ')}\n`); process.exitCode = 1; }

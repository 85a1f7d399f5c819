/**
 * Longer oracle run (issue 12): `npm run oracle -- [--runs N] [--only a,b] [--seed S] [--path P]`.
 * Default 100 scenarios per property, random seed (printed). A failure prints the shrunk scenario
 * and its replay line; the exit code is 1.
 */
import { parseArgs } from 'node:util';
import { ALL_PROPERTIES, runOracle } from '../test/helpers/oracle-props.js';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, only: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' } },
});
const runs = Number(values.runs ?? 100);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const names = values.only !== undefined ? values.only.split(',') : [...ALL_PROPERTIES];
const results: Record<string, string> = {};
for (const name of names) {
  const t0 = Date.now();
  try {
    const n = await runOracle(name, { numRuns: runs, seed, path: values.path });
    results[name] = `ok, ${n} scenarios, ${Date.now() - t0} ms`;
  } catch (err) {
    results[name] = 'FAILED';
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n`);
    process.exitCode = 1;
  }
}
process.stdout.write(`${JSON.stringify({ seed, runs, results, node: process.version, date: new Date().toISOString() }, null, 2)}\n`);

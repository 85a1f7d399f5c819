/* eslint-disable @typescript-eslint/no-unsafe-assignment -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * npm run test:real -- [--read-only] [--service CORE:HOST:SERVICE]... [--passive CORE:HOST:SERVICE]...
 *                      [--only REGEX] [--json FILE] [--markdown FILE] [--answers FILE.jsonl]
 *
 * The real-Thruk end-to-end suite (not part of npm test). Reads THRUK_E2E_URL and THRUK_E2E_KEY,
 * discovers the estate from Thruk's REST API, runs every tool once per scope (all cores, then each
 * core) through the real server and a real MCP client, writes as dry runs only, then (unless
 * --read-only) does write round trips on the services named with --service / --passive, undoes
 * them, and prints a table per tool and core. See docs/real-thruk.md.
 *
 * Safety: during the first phase and throughout --read-only, a wire guard refuses every request
 * that could change something (anything but a GET or a read sent as a form), so even a dry run
 * that wrongly tried to send is stopped and reported. Acknowledgements are sent with notify=false.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { genericFindings, labelFindings, liveFindings, truthFindings, worst, type Finding } from './checks.js';
import { discover, restTruth } from './estate.js';
import { expectedError, isWriteTool, NoObject, objectsOf, recipeFor, scopesOf } from './recipes.js';
import { findingsList, stepTable, toolTable, type CallRow } from './report.js';
import { openRig } from './rig.js';
import { parseTarget, RoundTrips } from './roundtrips.js';

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'read-only': { type: 'boolean', default: false },
      service: { type: 'string', multiple: true, default: [] },
      passive: { type: 'string', multiple: true, default: [] },
      only: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      answers: { type: 'string' },
    },
    allowPositionals: false,
  });
  const url = process.env.THRUK_E2E_URL ?? '';
  const key = process.env.THRUK_E2E_KEY ?? '';
  if (url === '' || key === '') {
    process.stderr.write(
      'test:real needs THRUK_E2E_URL (e.g. http://127.0.0.1:3000/thruk) and THRUK_E2E_KEY (a Thruk API key); see docs/real-thruk.md\n',
    );
    return 2;
  }
  const readOnly = values['read-only'] === true;
  const targets = values.service.map(parseTarget);
  const passives = values.passive.map(parseTarget);
  const only = values.only !== undefined ? new RegExp(values.only) : undefined;
  const runId = `e2e-${Date.now().toString(36)}`;

  const truth = restTruth(url, key);
  const estate = await discover(truth);
  const rig = await openRig({ url, key, readOnly });
  // Secrets never leave through this process's own output either.
  const out = (s: string) => say(s.split(key).join('***'));
  out(
    `thruk-mcp real suite ${runId} against ${new URL(url).origin} (Thruk ${estate.thrukVersion}), ${readOnly ? 'READ-ONLY' : 'read + round trips'}`,
  );
  for (const v of estate.versions) out(`  core ${v.core}: ${v.program} ${v.version}`.trimEnd());
  for (const [c, e] of estate.byCore)
    out(`  ${c}: ${e.hosts.length} hosts, ${e.services.length} services, ${e.downtimes.length} downtimes, ${e.comments.length} comments`);
  out(`  host names on several cores: ${estate.shared.join(', ') || 'none'}`);
  out(`  tools offered: ${rig.tools.length}`);

  // Phase 1: every tool once per scope; writes as dry runs, the wire guard refusing any write.
  rig.allowWrites = false;
  const scopes = scopesOf(estate);
  const rows: CallRow[] = [];
  for (const tool of rig.tools) {
    if (only !== undefined && !only.test(tool.name)) continue;
    const { recipe, generic } = recipeFor(tool);
    for (const scope of scopes) {
      const base: Omit<CallRow, 'verdict' | 'ms' | 'requests' | 'findings'> = {
        tool: tool.name,
        access: isWriteTool(tool) ? (tool.annotations?.destructiveHint === true ? 'destructive' : 'write') : 'read',
        scope: scope.name,
        args: {},
      };
      const objects = objectsOf(scope, estate);
      let args: Record<string, unknown> | string;
      try {
        args = objects === undefined ? 'no hosts in this scope' : recipe(scope, objects);
      } catch (err) {
        if (!(err instanceof NoObject)) throw err;
        args = err.message;
      }
      if (typeof args === 'string') {
        rows.push({ ...base, verdict: 'skip', ms: 0, requests: 0, findings: [{ verdict: 'skip', detail: args }] });
        continue;
      }
      if (scope.core !== undefined) args = { ...args, backends: scope.core };
      const res = await rig.call(tool.name, args);
      // Every answer, for reading by a person (JSON lines; the key is masked).
      if (values.answers !== undefined)
        appendFileSync(
          values.answers,
          `${JSON.stringify({
            tool: tool.name,
            scope: scope.name,
            args,
            isError: res.isError,
            text: res.thrown ?? res.text,
            structured: res.structured,
          })
            .split(key)
            .join('***')}\n`,
        );
      let findings: Finding[] = [
        ...genericFindings(tool, args, res, scope, estate, key),
        ...truthFindings(tool.name, res, scope, estate),
        ...labelFindings(res, scope, estate),
        ...(await liveFindings(tool.name, res, scope, truth)),
      ];
      const expected = scope.core === undefined && objects !== undefined ? expectedError(tool.name, objects) : undefined;
      if (expected !== undefined) {
        // The right answer is a refusal that names the ambiguity; a success would be the failure.
        findings =
          res.isError && expected.test(res.text)
            ? [{ verdict: 'ok', detail: `refused as it should: ${res.text.split('\n')[0]}` }]
            : [
                {
                  verdict: 'fail',
                  detail: `expected a refusal matching ${String(expected)} (the id exists on several cores), got: ${res.text.split('\n')[0]}`,
                },
              ];
      }
      if (generic) findings.push({ verdict: 'ok', detail: 'arguments filled generically (no recipe in test/real/recipes.ts)' });
      const verdict = worst(findings);
      const failedRequests = res.wire.filter((w) => (w.status ?? 0) >= 400 || w.blocked === true);
      rows.push({
        ...base,
        args,
        verdict,
        ms: res.ms,
        requests: res.wire.length,
        findings,
        ...(verdict !== 'ok' ? { text: (res.thrown ?? res.text).slice(0, 4000), failedRequests } : {}),
      });
    }
  }

  out('');
  out(
    toolTable(
      rows,
      scopes.map((s) => s.name),
    ),
  );
  out('');
  out(findingsList(rows));

  // Phase 2: write round trips on named objects.
  let trips: RoundTrips | undefined;
  if (readOnly) out('\nRound trips: none (--read-only).');
  else if (targets.length + passives.length === 0)
    out('\nRound trips: none (name objects with --service CORE:HOST:SERVICE and --passive CORE:HOST:SERVICE).');
  else {
    rig.allowWrites = true;
    trips = new RoundTrips(rig, truth, runId);
    for (const t of targets) {
      await trips.downtime(t);
      await trips.acknowledgements(t);
      await trips.comment(t);
      await trips.recheck(t);
    }
    for (const t of passives) await trips.passive(t);
    await trips.sweep([...targets, ...passives]);
    rig.allowWrites = false;
    out('');
    out(stepTable(trips.results));
    if (trips.leftBehind.length > 0) out(`\nLEFT BEHIND (remove by hand): ${trips.leftBehind.join('; ')}`);
  }

  const leaks = rig.logs.filter((l) => l.includes(key)).length;
  if (leaks > 0) out(`\nFAIL: the API key appears in ${leaks} server log line(s)`);
  const steps = trips?.results ?? [];
  const passed = rows.filter((r) => r.verdict === 'ok').length + steps.filter((s) => s.verdict === 'ok').length;
  const failed =
    rows.filter((r) => r.verdict !== 'ok' && r.verdict !== 'skip').length +
    steps.filter((s) => s.verdict === 'fail').length +
    (leaks > 0 ? 1 : 0);
  const skipped = rows.filter((r) => r.verdict === 'skip').length + steps.filter((s) => s.verdict === 'skip').length;

  const report = {
    runId,
    date: new Date().toISOString(),
    thruk: estate.thrukVersion,
    cores: estate.versions,
    readOnly,
    scopes: scopes.map((s) => s.name),
    calls: rows,
    roundTrips: steps,
    leftBehind: trips?.leftBehind ?? [],
    passed,
    failed,
    skipped,
  };
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2).split(key).join('***')}\n`);
  if (values.markdown !== undefined) {
    const md = [
      toolTable(
        rows,
        scopes.map((s) => s.name),
        true,
      ),
      '',
      ...(steps.length > 0 ? [stepTable(steps, true), ''] : []),
    ].join('\n');
    writeFileSync(values.markdown, md.split(key).join('***'));
  }
  await rig.close();
  out(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed > 0 || (trips?.leftBehind.length ?? 0) > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const key = process.env.THRUK_E2E_KEY ?? '';
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`test:real: ${key !== '' ? msg.split(key).join('***') : msg}\n`);
    process.exit(2);
  },
);

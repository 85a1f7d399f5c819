/**
 * The operator's command line: list tools, run one tool, diagnose the setup. Same code paths as
 * MCP (registry, adapter, client), so what works here works for the model.
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../server/log.js';
import type { ThrukClient } from '../thruk/client.js';
import { createInvoker } from '../tools/core/invoke.js';
import { Scopes } from '../server/scope.js';
import { describeError } from '../tools/core/adapter.js';
import { NO_INTERACTION, type ToolContext } from '../tools/core/define.js';
import { describeNetworkCode, isTlsCode, ThrukHttpError, ThrukNetworkError } from '../thruk/errors.js';
import { cell } from '../tools/lib/format.js';
import { allTools, exclusionOf } from '../tools/core/registry.js';

export interface Out {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal, so progress lines may be redrawn there (default: process.stderr.isTTY). */
  readonly errIsTTY?: boolean;
  /** Width of that terminal (default: process.stderr.columns, else 80). */
  readonly columns?: number;
}

/** ANSI: carriage return + erase the whole line, so each update replaces the previous one. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Progress of a long call as one redrawn status line on stderr, only when stderr is a terminal:
 * piped or logged stderr stays clean, and stdout (the answer) is never touched.
 */
export function progressLine(
  tool: string,
  io: Out,
): { report: (done: number, total?: number, message?: string) => void; finish: () => void } {
  const tty = io.errIsTTY ?? process.stderr.isTTY === true;
  const width = Math.max(20, (io.columns ?? process.stderr.columns ?? 80) - 1);
  let shown = false;
  return {
    report: (done, total, message) => {
      if (!tty) return;
      const text = `${tool}: ${message ?? `${done}${total !== undefined ? `/${total}` : ''}`}`;
      // A line longer than the terminal would wrap, and \r could then no longer erase it.
      io.err(`${CLEAR_LINE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    finish: () => {
      if (shown) io.err(CLEAR_LINE);
      shown = false;
    },
  };
}

export function toolsCommand(config: Config, json: boolean, io: Out): number {
  const rows = allTools().map((t) => ({
    name: t.name,
    toolset: t.toolset,
    access: t.access,
    title: t.title,
    offered: exclusionOf(t, config) ?? 'yes',
  }));
  if (json) io.out(`${JSON.stringify(rows)}\n`);
  else {
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows)
      io.out(
        `${r.name.padEnd(w)}  ${r.toolset.padEnd(12)} ${r.access.padEnd(11)} ${r.offered === 'yes' ? '' : `[${r.offered}] `}${r.title}\n`,
      );
    io.out(toolsLegend(rows.filter((r) => r.offered === 'yes').length, rows.length, config));
  }
  return 0;
}

/** What the columns and brackets of `tools` mean, and how many of the tools a client is offered. */
export function toolsLegend(offered: number, total: number, config: Pick<Config, 'toolsets' | 'readOnly' | 'enabledTools'>): string {
  const sel = config.toolsets.length > 0 ? `THRUK_TOOLSETS=${config.toolsets.join(',')}` : 'no THRUK_TOOLSETS';
  return [
    '',
    `${offered} of ${total} tools offered (${sel}${config.enabledTools.length > 0 ? `, THRUK_ENABLED_TOOLS=${config.enabledTools.join(',')}` : ''}${config.readOnly ? ', read-only' : ''}); THRUK_TOOLSETS=all offers every tool.`,
    'Columns: name, toolset, access (read: only looks; write: changes monitoring state, previews first; destructive: removes or overrides), title.',
    'Not offered: [toolset] outside THRUK_TOOLSETS/--toolsets, [read-only] a change hidden by THRUK_READ_ONLY, [not-enabled] not matched by THRUK_ENABLED_TOOLS.',
    '',
  ].join('\n');
}

/** key=value pairs → arguments; values are JSON when they parse (numbers, booleans, objects), strings otherwise. */
export function parseKeyValues(pairs: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`expected key=value, got '${p}'`);
    const raw = p.slice(i + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      v = raw;
    }
    args[p.slice(0, i)] = v;
  }
  return args;
}

export async function callCommand(
  deps: { config: Config; thruk: ThrukClient; log: Logger },
  name: string,
  args: Record<string, unknown>,
  json: boolean,
  io: Out,
): Promise<number> {
  const def = allTools().find((t) => t.name === name);
  if (def === undefined) {
    io.err(`unknown tool '${name}'; run 'thruk-mcp tools' to list them\n`);
    return 2;
  }
  const why = exclusionOf(def, deps.config);
  // A tool one enable call away is the operator's to run here (the model would enable it first).
  const enableable = why === 'toolset' && deps.config.dynamicToolsets;
  if (why !== undefined && !enableable && !(why === 'read-only' && def.readOnlyFallback === true)) {
    io.err(`${name} is not available with this configuration (${why})\n`);
    return 2;
  }
  const controller = new AbortController();
  const progress = progressLine(name, io);
  // The same path as a tools/call over MCP (invoke.ts): context, audit sinks, write gate.
  const instance = deps.config.defaultInstance;
  const scope = new Scopes(
    new Map([[instance, { name: instance, settings: { ...deps.config.thruk, name: instance }, thruk: deps.thruk }]]),
    instance,
    'service',
    Date.now,
  ).resolve(undefined, undefined);
  if (scope === undefined) throw new Error('no Thruk instance to call');
  const res = await createInvoker({ config: deps.config, log: deps.log })
    .run({
      def,
      args,
      scope,
      config: deps.config,
      identity: { via: 'cli' },
      signal: controller.signal,
      progress: (done, total, message) => {
        progress.report(done, total, message);
        return Promise.resolve();
      },
      interaction: NO_INTERACTION,
    })
    .finally(() => progress.finish());
  if (json) io.out(`${JSON.stringify(res.isError === true ? { isError: true, text: res.content[0]?.text } : res.structuredContent)}\n`);
  else io.out(`${res.content.map((c) => c.text).join('\n')}\n`);
  return res.isError === true ? 1 : 0;
}

type Verdict = 'ok' | 'warn' | 'fail';

type Check = [string, Verdict, string];

/** What the first request to Thruk showed: an answer (any HTTP status means TLS and TCP worked) or why none came. */
export type Probe =
  | { readonly kind: 'answer'; readonly info: Record<string, unknown> }
  | { readonly kind: 'refused'; readonly status: number; readonly error: unknown }
  | { readonly kind: 'none'; readonly error: unknown };

export function probeOf(result: { ok: true; info: Record<string, unknown> } | { ok: false; error: unknown }): Probe {
  if (result.ok) return { kind: 'answer', info: result.info };
  const e = result.error;
  if (e instanceof ThrukHttpError) return { kind: 'refused', status: e.status, error: e };
  return { kind: 'none', error: e };
}

/**
 * TLS is judged by what happened, not by the settings: "verified" only once a handshake with
 * certificate verification completed (Thruk answered over https). No connection (DNS, refused,
 * timeout) verifies nothing; a certificate error is a TLS failure.
 */
export function tlsCheck(config: Pick<Config, 'demo' | 'thruk'>, probe: Probe): Check {
  // The demo estate lives in this process: no connection, so no transport security to judge.
  if (config.demo) return ['TLS', 'ok', 'not used (simulated Thruk inside this process)'];
  if (!config.thruk.baseUrl.startsWith('https:')) return ['TLS', 'warn', 'plain http: the API key travels unencrypted'];
  if (!config.thruk.verifySsl) return ['TLS', 'warn', 'certificate NOT verified (THRUK_VERIFY_SSL=false)'];
  if (probe.kind !== 'none')
    return [
      'TLS',
      'ok',
      `verified: handshake with certificate check completed${config.thruk.caFile ? ` (CA file ${config.thruk.caFile})` : ''}`,
    ];
  const code = probe.error instanceof ThrukNetworkError ? probe.error.code : undefined;
  if (isTlsCode(code) || code === 'CERT_HAS_EXPIRED' || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return ['TLS', 'fail', describeNetworkCode(code, 'TLS handshake failed')];
  return ['TLS', 'warn', 'not checked: no connection to Thruk was made (see Thruk reachable)'];
}

/** Reachability and the key, each under its own heading: a 401/403 means Thruk answered and refused the key. */
export function reachAndAuthChecks(probe: Probe, describe: (err: unknown) => string): Check[] {
  if (probe.kind === 'answer')
    return [['Thruk reachable', 'ok', `Thruk ${cell(probe.info.thruk_version) || '?'} (REST v${cell(probe.info.rest_version) || '?'})`]];
  if (probe.kind === 'refused' && (probe.status === 401 || probe.status === 403)) {
    return [
      ['Thruk reachable', 'ok', `Thruk answered (HTTP ${probe.status})`],
      [
        'API key',
        'fail',
        `refused (HTTP ${probe.status}): check THRUK_API_KEY (a valid key of an existing Thruk user${probe.status === 403 ? ' with the rights to use the REST API' : ''}). ${describe(probe.error)}`,
      ],
    ];
  }
  return [['Thruk reachable', 'fail', describe(probe.error)]];
}

export async function doctorCommand(deps: { config: Config; thruk: ThrukClient }, io: Out): Promise<number> {
  const { config, thruk } = deps;
  const checks: Check[] = [];
  const ctx = { config } as Pick<ToolContext, 'config'>;
  const fake = allTools()[0]!;
  const describe = (err: unknown) => describeError(fake, err, ctx);
  checks.push(['configuration', 'ok', config.demo ? 'demo mode (simulated Thruk)' : `Thruk at ${safeUrl(config.thruk.baseUrl)}`]);
  const probe = probeOf(
    await thruk.get<Record<string, unknown>>('/thruk').then(
      (info) => ({ ok: true as const, info }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  );
  checks.push(tlsCheck(config, probe));
  const proxy = config.proxy.httpsProxy ?? config.proxy.httpProxy;
  checks.push([
    'proxy',
    'ok',
    proxy !== undefined ? `via ${safeUrl(proxy)}${config.proxy.noProxy ? ` (NO_PROXY ${config.proxy.noProxy})` : ''}` : 'none',
  ]);
  checks.push(...reachAndAuthChecks(probe, describe));
  if (probe.kind === 'answer') {
    try {
      const who = await thruk.get<Record<string, unknown>>('/thruk/whoami');
      checks.push(['API key', 'ok', `accepted; acting as '${cell(who.id) || '?'}'`]);
      const canWrite = who.can_submit_commands === true || who.can_submit_commands === 1;
      checks.push([
        'writes',
        config.readOnly ? 'ok' : canWrite ? 'ok' : 'warn',
        config.readOnly
          ? 'disabled here (read-only mode)'
          : canWrite
            ? `permitted (caps: ${config.maxBulkTargets} objects per call)`
            : 'this Thruk user may not submit commands: write tools will fail',
      ]);
    } catch (err) {
      checks.push(['API key', 'fail', describe(err)]);
    }
    try {
      const sites = await thruk.get<Array<Record<string, unknown>>>('/sites');
      const down = sites.filter((s) => Number(s.status) !== 0);
      checks.push([
        'backends',
        down.length === 0 ? 'ok' : down.length === sites.length ? 'fail' : 'warn',
        `${sites.length} backend(s)${down.length > 0 ? `; down: ${down.map((s) => `${cell(s.name)} (${cell(s.last_error)})`).join(', ')}` : ': all connected'}`,
      ]);
    } catch (err) {
      checks.push(['backends', 'fail', describe(err)]);
    }
  }
  const w = Math.max(...checks.map((c) => c[0].length));
  for (const [name, verdict, detail] of checks) io.out(`${name.padEnd(w)}  ${verdict.toUpperCase().padEnd(4)}  ${detail}\n`);
  const failed = checks.some((c) => c[1] === 'fail');
  io.out(failed ? '\nSome checks failed.\n' : '\nAll good.\n');
  return failed ? 1 : 0;
}

/** doctor for every configured instance, each under its name; fails when any instance fails. */
export async function doctorInstances(
  config: Config,
  instances: ReadonlyMap<string, { readonly settings: Config['thruk']; readonly thruk: ThrukClient }>,
  io: Out,
): Promise<number> {
  let code = 0;
  let i = 0;
  for (const [name, inst] of instances) {
    if (instances.size > 1) io.out(`${i++ > 0 ? '\n' : ''}== instance ${name}${name === config.defaultInstance ? ' (default)' : ''} ==\n`);
    code = Math.max(code, await doctorCommand({ config: { ...config, thruk: inst.settings }, thruk: inst.thruk }, io));
  }
  return code;
}

function safeUrl(u: string): string {
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

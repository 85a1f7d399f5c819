import { z } from 'zod';
import { parsePerfData } from '../lib/perfdata.js';
import { pathOf } from '../../thruk/client.js';
import { ThrukHttpError } from '../../thruk/errors.js';
import { compileFilter, type FilterNode } from '../../thruk/filter.js';
import { defineTool, ToolInputError, type ToolContext } from '../core/define.js';
import { cell, duration, hostStateName, iso, num, serviceStateName } from '../lib/format.js';
import { hostCondition } from '../lib/loghost.js';
import { backendsArg, getRows, parseBackends, query, type Row } from '../lib/list.js';
import { coreStartOf, coreStarts } from '../lib/corestart.js';
import { failingCoreNote, failingLogCores } from '../lib/logquery.js';
import { hostNameArg, objectName } from '../lib/objects.js';
import { checkCommandArgs, commandHidden, commandLineThresholds, verdictLine, verdictOf, type MetricVerdict } from './why-verdict.js';

const crossingOut = z.object({ delta: z.number(), bound: z.number(), when: z.string() }).optional();

const STATE_COLUMNS =
  'state,state_type,has_been_checked,plugin_output,perf_data,check_command,current_attempt,max_check_attempts,last_check,last_state_change,acknowledged,scheduled_downtime_depth,is_flapping,peer_key,peer_name';
const RECENT = 5;

interface Command {
  check_command: string;
  command_line?: string;
  hidden: boolean;
  note?: string;
}

async function commandOf(
  ctx: ToolContext,
  host: string,
  service: string | undefined,
  checkCommand: string,
  peer: string | undefined,
): Promise<Command> {
  const path = `${service === undefined ? pathOf('hosts', host) : pathOf('services', host, service)}/commandline`;
  let rows: Row[];
  try {
    rows = await getRows(ctx, path, [], peer !== undefined ? [peer] : undefined);
  } catch (err) {
    // Thruk answers 403 unless show_full_commandline lets this user see command lines.
    if (err instanceof ThrukHttpError && err.status === 403)
      return { check_command: checkCommand, hidden: true, note: 'Thruk does not show command lines to this user (show_full_commandline).' };
    throw err;
  }
  const r = rows[0];
  const line = typeof r?.command_line === 'string' ? r.command_line : '';
  const cc = typeof r?.check_command === 'string' && r.check_command !== '' ? r.check_command : checkCommand;
  if (typeof r?.error === 'string' && r.error !== '')
    return { check_command: cc, hidden: true, note: `Thruk could not expand the command line: ${cell(r.error, 200)}` };
  if (commandHidden(line))
    return {
      check_command: cc,
      hidden: true,
      note: `The core hides the command line (it answers ${line === '' ? 'nothing' : `'${line}'`}, as Icinga 2 does); thresholds below come from the perf data only.`,
    };
  return { check_command: cc, command_line: line, hidden: false };
}

function alertFilter(host: string, service: string | undefined, since: number): Array<[string, string]> {
  // Icinga 2 leaves host_name empty on host rows: match the host on the line too.
  const extra: FilterNode[] =
    service === undefined
      ? [hostCondition({ field: 'host', value: host }, [host], false), { field: 'type', value: 'HOST ALERT' }]
      : [
          { field: 'host', value: host },
          { field: 'service', value: service },
        ];
  return compileFilter('logs', { operator: 'and', conditions: extra }, [{ field: 'since', value: since }]).params;
}

export const whyAlerting = defineTool({
  name: 'thruk_why_alerting',
  title: 'Why is it alerting?',
  toolset: 'triage',
  access: 'read',
  description:
    'Why a host or service alerts: check command, thresholds, each metric over/near/far and the change that flips it, recent alerts.',
  input: z
    .object({
      host: hostNameArg,
      service: objectName('Omit for the host').optional(),
      hours: z.number().int().min(1).max(720).default(24).describe('Alert history to read'),
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    host: z.string(),
    service: z.string().nullable(),
    state: z.string(),
    hard: z.boolean(),
    since: z.string().optional(),
    since_at_least: z
      .string()
      .optional()
      .describe('No state-change time (Icinga 2 for a state held since the core started): the state holds at least since this core start'),
    output: z.string(),
    handled: z.string().optional().describe('acknowledged / in downtime'),
    command: z.object({ check_command: z.string(), command_line: z.string().optional(), hidden: z.boolean(), note: z.string().optional() }),
    command_thresholds: z.array(z.object({ option: z.string(), value: z.string() })),
    metrics: z.array(
      z.object({
        label: z.string(),
        value: z.number().nullable(),
        uom: z.string(),
        warn: z.string(),
        crit: z.string(),
        level: z.enum(['ok', 'warning', 'critical', 'unknown']),
        position: z.enum(['over_critical', 'over_warning', 'near', 'far', 'no_threshold', 'unknown']),
        headroom_percent: z.number().optional(),
        to_ok: crossingOut,
        to_worse: crossingOut,
      }),
    ),
    verdict: z.string().describe('What decides the state and what would change it'),
    history: z.object({
      hours: z.number(),
      alerts: z.number(),
      hard_changes: z.number(),
      recent: z.array(z.object({ time: z.string(), state: z.string(), hard: z.boolean(), output: z.string() })),
    }),
    peer_name: z.string().optional(),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const svc = args.service;
    const kind = svc === undefined ? 'host' : 'service';
    const objQuery =
      svc === undefined
        ? compileFilter('hosts', undefined, [{ field: 'host', value: args.host }]).params
        : compileFilter('services', undefined, [
            { field: 'host', value: args.host },
            { field: 'service', value: svc },
          ]).params;
    const since = Math.floor(ctx.now() / 1000) - args.hours * 3600;
    const [objs, alerts, failing] = await Promise.all([
      getRows(
        ctx,
        svc === undefined ? '/hosts' : '/services',
        query(objQuery, { columns: `${svc === undefined ? 'name' : 'host_name,description'},${STATE_COLUMNS}` }),
        backends,
      ),
      getRows(
        ctx,
        '/alerts',
        query(alertFilter(args.host, svc, since), {
          columns: 'time,type,state,state_type,plugin_output,host_name,service_description,peer_key',
        }),
        backends,
      ),
      // Over several sites Thruk drops a core whose log fails: the history would read as quiet.
      failingLogCores(ctx, backends),
    ]);
    const o = objs[0];
    if (o === undefined) {
      throw new ToolInputError(
        svc === undefined
          ? `No host named '${args.host}'. Find the exact name with thruk_list_hosts.`
          : `No service '${svc}' on host '${args.host}'. Find the exact names with thruk_list_services.`,
      );
    }
    const notes: string[] = [];
    const peer = typeof o.peer_name === 'string' ? o.peer_name : undefined;
    const ownFailing = failing.find((f) => f.core === peer);
    if (ownFailing !== undefined)
      notes.push(failingCoreNote(ownFailing, 'the alert history below is missing (it reads 0 alerts but is unknown)'));
    if (objs.length > 1)
      notes.push(`The ${kind} exists on ${objs.length} backends; this is the one on ${peer ?? '?'} (pass backends to choose).`);
    const stateName = (s: unknown): string =>
      svc === undefined ? hostStateName(s, o.has_been_checked) : serviceStateName(s, o.has_been_checked);
    const command = await commandOf(
      ctx,
      args.host,
      svc,
      typeof o.check_command === 'string' ? o.check_command : '',
      typeof o.peer_key === 'string' ? o.peer_key : peer,
    );
    const thresholds = [
      ...checkCommandArgs(command.check_command),
      ...(command.command_line !== undefined ? commandLineThresholds(command.command_line) : []),
    ];
    const parsed = parsePerfData(typeof o.perf_data === 'string' ? o.perf_data : '');
    const metrics = parsed.metrics.map(verdictOf);
    const state = stateName(o.state);
    const verdict = verdictText(state, metrics);
    const mine = alerts
      .filter((a) => peer === undefined || typeof a.peer_key !== 'string' || a.peer_key === o.peer_key)
      .sort((a, b) => num(b.time) - num(a.time));
    // The core logs a HARD alert on every hard state change, SOFT ones on each retry.
    const changes = mine.filter((a) => a.state_type === 'HARD').length;
    const recent = mine
      .slice(0, RECENT)
      .map((a) => ({ time: iso(a.time), state: stateName(a.state), hard: a.state_type === 'HARD', output: cell(a.plugin_output, 200) }));
    const handled = [num(o.acknowledged) > 0 ? 'acknowledged' : '', num(o.scheduled_downtime_depth) > 0 ? 'in downtime' : '']
      .filter(Boolean)
      .join(', ');
    const lsc = num(o.last_state_change);
    // Icinga 2 answers last_state_change 0 for a state held since the core started: that start is its lower bound.
    const start = lsc > 0 ? undefined : coreStartOf(await coreStarts(ctx, [o], backends), o);
    const data = {
      host: args.host,
      service: svc ?? null,
      state,
      hard: num(o.state_type) === 1,
      ...(lsc > 0 ? { since: iso(lsc) } : {}),
      ...(start !== undefined ? { since_at_least: iso(start) } : {}),
      output: typeof o.plugin_output === 'string' ? o.plugin_output : '',
      ...(handled !== '' ? { handled } : {}),
      command,
      command_thresholds: thresholds,
      metrics: metrics.map((m) => ({ ...m })),
      verdict,
      history: { hours: args.hours, alerts: mine.length, hard_changes: changes, recent },
      ...(peer !== undefined ? { peer_name: peer } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
    const nowS = ctx.now() / 1000;
    const text = [
      `${svc === undefined ? args.host : `${args.host} / ${svc}`}: ${state} (${data.hard ? 'hard' : `soft, attempt ${num(o.current_attempt)}/${num(o.max_check_attempts)}`})${lsc > 0 ? ` for ${duration(nowS - lsc)} since ${iso(lsc)}` : start !== undefined ? ` for ≥ ${duration(nowS - start)} (since the core started at ${iso(start)})` : ''}${handled !== '' ? `; ${handled}` : ''}${num(o.is_flapping) > 0 ? '; flapping' : ''}`,
      `Output: ${cell(data.output, 300)}`,
      `Command: ${command.check_command || '(none)'}${command.command_line !== undefined ? ` = ${cell(command.command_line, 300)}` : ''}`,
      ...(command.note !== undefined ? [`Note: ${command.note}`] : []),
      ...(thresholds.length > 0 ? [`Command thresholds: ${thresholds.map((t) => `${t.option} ${t.value}`).join(' ')}`] : []),
      ...(metrics.length > 0 ? ['Metrics:', ...metrics.map(verdictLine)] : ['Metrics: none (no perf data).']),
      `Verdict: ${verdict}`,
      `History (${args.hours}h): ${mine.length} alerts, ${changes} hard state change${changes === 1 ? '' : 's'}${recent.length > 0 ? '; newest first:' : '.'}`,
      ...recent.map((r) => `${r.time} ${r.state}${r.hard ? '' : ' (soft)'}: ${r.output}`),
      ...notes.map((n) => `Note: ${n}`),
      ...parsed.warnings.slice(0, 3).map((w) => `Perf data: ${w}`),
    ];
    return { data, text: text.join('\n') };
  },
});

/** One sentence: which metrics decide the state, and the smallest move that would change it. */
export function verdictText(state: string, metrics: readonly MetricVerdict[]): string {
  const over = metrics.filter((m) => m.position === 'over_critical' || m.position === 'over_warning');
  const ok = state === 'OK' || state === 'UP';
  const move = (m: MetricVerdict, c: MetricVerdict['to_ok']): string =>
    c === undefined ? m.label : `${m.label} ${c.when}${m.uom} (${c.delta >= 0 ? '+' : '−'}${Math.abs(c.delta)}${m.uom})`;
  if (ok) {
    const near = metrics
      .filter((m) => m.to_worse !== undefined && m.headroom_percent !== undefined)
      .sort((a, b) => (a.headroom_percent ?? 0) - (b.headroom_percent ?? 0))[0];
    if (over.length > 0)
      return `${state}, although ${over.map((m) => m.label).join(', ')} is past a perf-data threshold (the plugin decides by its own rules).`;
    if (near === undefined) return `${state}; no metric has a threshold, so only the plugin's own logic can change it.`;
    return `${state}; closest to alerting: ${move(near, near.to_worse)}, ${near.headroom_percent}% of its OK band left.`;
  }
  if (over.length === 0) {
    return metrics.some((m) => m.position !== 'no_threshold' && m.position !== 'unknown')
      ? `${state} with every metric inside its thresholds: the plugin decided on something else (see the output).`
      : `${state} from the plugin's own logic (no perf-data thresholds): the output says why.`;
  }
  const back = over.map((m) => move(m, m.to_ok)).join(', ');
  // The warning metric closest to its critical threshold, relative to that threshold, escalates first.
  const rel = (m: MetricVerdict): number => Math.abs(m.to_worse?.delta ?? Infinity) / Math.max(Math.abs(m.to_worse?.bound ?? 1), 1e-9);
  const first = over.filter((m) => m.position === 'over_warning' && m.to_worse !== undefined).sort((a, b) => rel(a) - rel(b))[0];
  const why = (p: MetricVerdict['position']): string => (p === 'over_critical' ? 'over critical' : 'over warning');
  return `${state} because ${over.map((m) => `${m.label} is ${why(m.position)}`).join(', ')}. Back to OK needs ${over.length > 1 ? 'all of ' : ''}${back}.${first !== undefined ? ` CRITICAL first if ${move(first, first.to_worse)}.` : ''}`;
}

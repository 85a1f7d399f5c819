import type { McpServer } from '@modelcontextprotocol/server';
import { completable, type GetPromptResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { complete, type NameCache } from './names.js';
import type { Toolset } from '../tools/core/define.js';

/**
 * The Python thruk-mcp's eight prompts. Every tool call they suggest is written as
 * `tool {json-arguments}` and built only from tools this server actually offers, so a prompt can
 * never send the model to a tool or argument that does not exist (a test parses and validates
 * every such call against the registry).
 */
export interface PromptDeps {
  readonly names: NameCache;
  readonly offered: ReadonlySet<string>;
  /** Tools one thruk_enable_toolset call adds, with their toolset: their steps stay, after the enable step. */
  readonly reachable?: ReadonlyMap<string, Toolset>;
}

type Step = string | undefined;

/** One prompts/get: what the caller has, and which toolsets its steps need turned on first. */
interface Tracker {
  readonly offered: ReadonlySet<string>;
  readonly reachable: ReadonlyMap<string, Toolset>;
  readonly needed: Set<Toolset>;
  has(tool: string): boolean;
}

function tracker(deps: PromptDeps): Tracker {
  const reachable = deps.reachable ?? new Map<string, Toolset>();
  return { offered: deps.offered, reachable, needed: new Set(), has: (t) => deps.offered.has(t) || reachable.has(t) };
}

function call(o: Tracker, tool: string, args: Record<string, unknown> = {}): string | undefined {
  const ts = o.reachable.get(tool);
  if (!o.offered.has(tool) && ts === undefined) return undefined;
  if (!o.offered.has(tool) && ts !== undefined) o.needed.add(ts);
  return Object.keys(args).length === 0 ? `\`${tool}\`` : `\`${tool} ${JSON.stringify(args)}\``;
}

/** The enable step goes first, so every later step names a tool the caller then has. */
function withEnableStep(r: GetPromptResult, o: Tracker): GetPromptResult {
  if (o.needed.size === 0) return r;
  const step = `First turn on the tools this needs: \`thruk_enable_toolset ${JSON.stringify({ toolset: [...o.needed].join(',') })}\`.`;
  return {
    ...r,
    messages: r.messages.map((m, i) =>
      i === 0 && m.content.type === 'text' ? { ...m, content: { ...m.content, text: `${step}\n${m.content.text}` } } : m,
    ),
  };
}

function steps(intro: string, list: Step[], outro: string): GetPromptResult {
  const lines = list.filter((s): s is string => s !== undefined).map((s, i) => `${i + 1}. ${s}`);
  return { messages: [{ role: 'user', content: { type: 'text', text: [intro, ...lines, outro].join('\n') } }] };
}

function scopeFilter(hostgroup: string | undefined): Record<string, unknown> {
  return hostgroup !== undefined && hostgroup !== '' ? { filter: { field: 'hostgroup', value: hostgroup } } : {};
}

function withStep(text: string, c: string | undefined): Step {
  return c === undefined ? undefined : text.replace('{}', c);
}

const str = (d: string) => z.string().describe(d);

/** One prompt's registration, with its argument schemas already built. */
type PromptDef = (server: McpServer) => void;

/**
 * A prompt is offered only when a tool that answers it (`uses`) is in the caller's list or one
 * enable call away: a prompt with no tool behind it would invite invented figures.
 */
function prompt<A extends z.ZodObject>(
  deps: PromptDeps,
  uses: readonly string[],
  name: string,
  config: { title: string; description: string; argsSchema: A },
  cb: (args: z.output<A>, o: Tracker) => GetPromptResult,
): PromptDef | undefined {
  const probe = tracker(deps);
  if (!uses.some((t) => probe.has(t))) return undefined;
  const run = (args: z.output<A>) => {
    const o = tracker(deps);
    return withEnableStep(cb(args, o), o);
  };
  return (server) => server.registerPrompt(name, config, run as never);
}

/**
 * Builds the prompts once per process (their zod schemas and completions are not cheap); each
 * per-request server then only registers the ready definitions.
 */
export function promptDefinitions(deps: PromptDeps): readonly PromptDef[] {
  const defs: Array<PromptDef | undefined> = [];
  const host = (d: string) => completable(str(d), (v) => complete(deps.names, 'hosts', v));
  const hostgroup = (d: string) => completable(str(d), (v) => complete(deps.names, 'hostgroups', v));
  const service = (d: string) => completable(str(d), (v, c) => complete(deps.names, 'services', v, c?.arguments?.host));

  defs.push(
    prompt(
      deps,
      ['thruk_get_host', 'thruk_get_service'],
      'investigate_alert',
      {
        title: 'Investigate an alert',
        description: 'Step-by-step investigation of a host or service alert, read-only until the user decides.',
        argsSchema: z.object({ host: host('Host name'), service: service('Service description (optional)').optional() }),
      },
      ({ host: h, service: s }, o) => {
        const f = { field: 'host', value: h };
        const sf = s === undefined ? { filter: f } : { filter: { operator: 'and', conditions: [f, { field: 'service', value: s }] } };
        return steps(
          `Investigate the alert on ${s === undefined ? `host ${h}` : `service ${s} of host ${h}`}. Work step by step and show what you find:`,
          [
            withStep(
              'Current state, output and handling: {}.',
              s === undefined ? call(o, 'thruk_get_host', { host: h }) : call(o, 'thruk_get_service', { host: h, service: s }),
            ),
            withStep('Alerts of the last 6 hours: {}.', call(o, 'thruk_list_alerts', { ...sf, since: '-6h' })),
            withStep('Notifications sent: {}.', call(o, 'thruk_list_notifications', { ...sf, since: '-6h' })),
            withStep('The timeline of the last day: {}.', call(o, 'thruk_incident_timeline', { ...sf, since: '-24h' })),
            withStep('Comments and acknowledgements: {}.', call(o, 'thruk_list_comments', { filter: f })),
            withStep('Downtimes: {}.', call(o, 'thruk_list_downtimes', { filter: f, active_only: false })),
            'Give the most likely causes, ranked, with the evidence for each, and what to check next.',
          ],
          'Do not acknowledge, recheck or schedule anything unless the user explicitly asks for it.',
        );
      },
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_schedule_downtime', 'thruk_schedule_hostgroup_downtime', 'thruk_schedule_servicegroup_downtime', 'thruk_list_downtimes'],
      'schedule_maintenance',
      {
        title: 'Schedule maintenance',
        description: 'Plan a downtime: confirm the target, show what is impacted, ask, then schedule and verify.',
        argsSchema: z.object({
          target: completable(str('Host, host/service, host group or service group'), (v) => complete(deps.names, 'hosts', v)),
          duration_minutes: str('Length in minutes (default 120)').optional(),
          kind: z.enum(['host', 'service', 'hostgroup', 'servicegroup']).optional().describe('What the target is (default hostgroup)'),
        }),
      },
      ({ target, duration_minutes, kind = 'hostgroup' }, o) => {
        const minutes = /^\d+$/.test(duration_minutes ?? '') ? Number(duration_minutes) : 120;
        const [h, s] = kind === 'service' ? [target.split('/')[0] ?? target, target.split('/').slice(1).join('/')] : [target, ''];
        const check =
          kind === 'host'
            ? call(o, 'thruk_get_host', { host: target })
            : kind === 'service'
              ? call(o, 'thruk_get_service', { host: h, service: s })
              : kind === 'hostgroup'
                ? call(o, 'thruk_list_hosts', { filter: { field: 'hostgroup', value: target }, limit: 1000 })
                : call(o, 'thruk_list_services', { filter: { field: 'servicegroup', value: target }, limit: 1000 });
        const write =
          kind === 'hostgroup'
            ? 'thruk_schedule_hostgroup_downtime'
            : kind === 'servicegroup'
              ? 'thruk_schedule_servicegroup_downtime'
              : 'thruk_schedule_downtime';
        const canWrite = call(o, write) !== undefined;
        return steps(
          `Plan a ${minutes}-minute maintenance downtime for ${kind} ${target}, starting now.`,
          [
            withStep('Confirm the target exists and list what it covers: {}.', check),
            withStep('Check for downtimes already in place: {}.', call(o, 'thruk_list_downtimes', { active_only: false, limit: 100 })),
            'Show the user exactly what will be put into downtime (objects, start and end in their time zone) and ask for confirmation.',
            canWrite
              ? `Only after a clear yes, call ${write} (use dry_run first if offered), then verify with thruk_list_downtimes.`
              : 'This server does not offer the downtime write tools (read-only or not enabled): give the user the exact plan to apply in Thruk instead.',
          ],
          "Never schedule anything without the user's explicit confirmation.",
        );
      },
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_flap_summary', 'thruk_list_alerts'],
      'diagnose_flapping',
      {
        title: 'Diagnose flapping',
        description: 'Why does this service flap, and how to stop it.',
        argsSchema: z.object({ host: host('Host name'), service: service('Service description') }),
      },
      ({ host: h, service: s }, o) => {
        const filter = {
          operator: 'and',
          conditions: [
            { field: 'host', value: h },
            { field: 'service', value: s },
          ],
        };
        return steps(
          `Diagnose why ${s} on ${h} is flapping:`,
          [
            withStep('Current state and thresholds: {}.', call(o, 'thruk_get_service', { host: h, service: s })),
            withStep('State changes of the last day: {}.', call(o, 'thruk_list_alerts', { filter, since: '-24h' })),
            withStep('Transitions and flapping periods: {}.', call(o, 'thruk_flap_summary', { filter, since: '-24h' })),
            withStep('The measured values against the thresholds: {}.', call(o, 'thruk_get_perfdata', { host: h, service: s })),
            'Explain the likely cause (threshold too tight, unstable network, resource pressure…) and propose concrete tuning (thresholds, check/retry intervals, flap thresholds).',
          ],
          'Read-only: suggest changes, do not make them.',
        );
      },
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_brief', 'thruk_totals'],
      'daily_health_report',
      {
        title: 'Daily health report',
        description: 'A short read-only health report of the estate or one host group.',
        argsSchema: z.object({ hostgroup: hostgroup('Host group to scope the report (optional)').optional() }),
      },
      ({ hostgroup: g }, o) =>
        steps(
          `Write today's monitoring health report${g ? ` for host group ${g}` : ''}:`,
          [
            withStep('Overall totals: {}.', call(o, 'thruk_totals', scopeFilter(g))),
            withStep(
              `Unhandled problems with their age, downtimes now and ahead, flapping, stale checks and backends${g ? ' (for the whole estate)' : ''}: {}.`,
              call(o, 'thruk_brief'),
            ),
            withStep('The noisiest hosts of the last day: {}.', call(o, 'thruk_top_noisy_hosts', { limit: 5, ...scopeFilter(g) })),
          ],
          'Keep it to one screen: headline status, top risks, and what needs an owner today. Read-only.',
        ),
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_problems', 'thruk_root_cause'],
      'incident_triage',
      {
        title: 'Incident triage',
        description: 'Is this one outage or many, what is the common cause, and what to do first.',
        argsSchema: z.object({ hostgroup: hostgroup('Host group to focus on (optional)').optional() }),
      },
      ({ hostgroup: g }, o) =>
        steps(
          `Triage the current incident${g ? ` in host group ${g}` : ''}:`,
          [
            withStep('How bad is it: {}.', call(o, 'thruk_totals', scopeFilter(g))),
            withStep('What is broken: {}.', call(o, 'thruk_problems', scopeFilter(g))),
            withStep(
              'Did many hosts fail together: {}.',
              call(o, 'thruk_concurrent_failures', { window_minutes: 5, min_hosts: 3, ...scopeFilter(g) }),
            ),
            withStep('Common cause by topology: {}.', call(o, 'thruk_root_cause', scopeFilter(g))),
            withStep('Longest-standing problems: {}.', call(o, 'thruk_oldest_problems', scopeFilter(g))),
            withStep(
              'Anything critical nobody has acknowledged: {}.',
              call(o, 'thruk_unacked_critical', { threshold_minutes: 0, ...scopeFilter(g) }),
            ),
          ],
          'Conclude with: severity, one outage or many (and the common cause), and an ordered action list.',
        ),
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_perfdata_near_threshold'],
      'capacity_review',
      {
        title: 'Capacity review',
        description: 'Which metrics are close to their thresholds (disks, memory, load…).',
        argsSchema: z.object({
          hostgroup: hostgroup('Host group to review (optional)').optional(),
          within_percent: str('Headroom in percent below which a metric is at risk (default 10)').optional(),
        }),
      },
      ({ hostgroup: g, within_percent }, o) => {
        const pct = /^\d+(\.\d+)?$/.test(within_percent ?? '') ? Number(within_percent) : 10;
        return steps(
          `Review capacity${g ? ` for host group ${g}` : ''}:`,
          [
            withStep(
              'Metrics near their thresholds: {}.',
              call(o, 'thruk_perfdata_near_threshold', { within_percent: pct, ...scopeFilter(g) }),
            ),
            withStep('Context for the affected services: {}.', call(o, 'thruk_perfdata_snapshot', scopeFilter(g))),
            'Rank the at-risk metrics by urgency, with value, threshold and unit, and say what to do about the top ones.',
          ],
          'Read-only.',
        );
      },
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_host_availability', 'thruk_service_availability', 'thruk_hostgroup_availability_summary'],
      'sla_report',
      {
        title: 'SLA report',
        description: 'Availability of a host, service or host group against 99.9 %.',
        argsSchema: z.object({
          target: completable(str('Host, host/service or host group'), (v) => complete(deps.names, 'hosts', v)),
          kind: z.enum(['host', 'service', 'hostgroup']).optional().describe('What the target is (default host)'),
          timeperiod: str('Thruk time period, e.g. last7days, lastmonth (default last7days)').optional(),
        }),
      },
      ({ target, kind = 'host', timeperiod = 'last7days' }, o) => {
        const [h, ...rest] = target.split('/');
        const c =
          kind === 'host'
            ? call(o, 'thruk_host_availability', { host: target, timeperiod })
            : kind === 'service'
              ? call(o, 'thruk_service_availability', { host: h ?? target, service: rest.join('/'), timeperiod })
              : call(o, 'thruk_hostgroup_availability_summary', { hostgroup: target, timeperiod });
        return steps(
          `Report the availability of ${kind} ${target} for ${timeperiod}:`,
          [
            withStep('Availability numbers: {}.', c),
            'Separate planned (scheduled downtime) from unplanned outage time, state the percentage, and give a pass/fail verdict against 99.9 %.',
          ],
          'Read-only.',
        );
      },
    ),
  );

  defs.push(
    prompt(
      deps,
      ['thruk_top_noisy_hosts', 'thruk_top_noisy_services', 'thruk_flap_summary'],
      'noise_review',
      {
        title: 'Noise review',
        description: 'Which checks are noisy or flapping, and what to tune.',
        argsSchema: z.object({ since: str('Start of the window, e.g. -24h or -7d (default -24h)').optional() }),
      },
      ({ since = '-24h' }, o) =>
        steps(
          `Review alert noise since ${since}:`,
          [
            withStep('Noisiest hosts: {}.', call(o, 'thruk_top_noisy_hosts', { since })),
            withStep('Noisiest services: {}.', call(o, 'thruk_top_noisy_services', { since })),
            withStep('Flapping objects: {}.', call(o, 'thruk_flap_summary', { since })),
            withStep('Recurring problems: {}.', call(o, 'thruk_recurring_problems', { since })),
            withStep('When alerts happen: {}.', call(o, 'thruk_alert_heatmap', { since })),
            'Propose concrete tuning (thresholds, retries, dependencies, flap detection, notification delays), most impactful first.',
          ],
          'Read-only.',
        ),
    ),
  );
  return defs.filter((d): d is PromptDef => d !== undefined);
}

export function registerPrompts(server: McpServer, defs: readonly PromptDef[]): void {
  for (const d of defs) d(server);
}

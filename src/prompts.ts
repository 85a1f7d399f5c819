import type { McpServer} from '@modelcontextprotocol/server';
import { completable, type GetPromptResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { complete, type NameCache } from './names.js';

/**
 * The Python thruk-mcp's eight prompts. Every tool call they suggest is written as
 * `tool {json-arguments}` and built only from tools this server actually offers, so a prompt can
 * never send the model to a tool or argument that does not exist (a test parses and validates
 * every such call against the registry).
 */
export interface PromptDeps {
  readonly names: NameCache;
  readonly offered: ReadonlySet<string>;
}

type Step = string | undefined;

function call(offered: ReadonlySet<string>, tool: string, args: Record<string, unknown> = {}): string | undefined {
  if (!offered.has(tool)) return undefined;
  return Object.keys(args).length === 0 ? `\`${tool}\`` : `\`${tool} ${JSON.stringify(args)}\``;
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

function prompt<A extends z.ZodObject>(name: string, config: { title: string; description: string; argsSchema: A }, cb: (args: z.output<A>) => GetPromptResult): PromptDef {
  return (server) => server.registerPrompt(name, config, cb as never);
}

/**
 * Builds the prompts once per process (their zod schemas and completions are not cheap); each
 * per-request server then only registers the ready definitions.
 */
export function promptDefinitions(deps: PromptDeps): readonly PromptDef[] {
  const defs: PromptDef[] = [];
  const o = deps.offered;
  const host = (d: string) => completable(str(d), (v) => complete(deps.names, 'hosts', v));
  const hostgroup = (d: string) => completable(str(d), (v) => complete(deps.names, 'hostgroups', v));
  const service = (d: string) => completable(str(d), (v, c) => complete(deps.names, 'services', v, c?.arguments?.host));

  defs.push(prompt('investigate_alert', {
    title: 'Investigate an alert',
    description: 'Step-by-step investigation of a host or service alert, read-only until the user decides.',
    argsSchema: z.object({ host: host('Host name'), service: service('Service description (optional)').optional() }),
  }, ({ host: h, service: s }) => {
    const f = { field: 'host', value: h };
    const sf = s === undefined ? { filter: f } : { filter: { operator: 'and', conditions: [f, { field: 'service', value: s }] } };
    return steps(`Investigate the alert on ${s === undefined ? `host ${h}` : `service ${s} of host ${h}`}. Work step by step and show what you find:`, [
      withStep('Current state, output and handling: {}.', s === undefined ? call(o, 'thruk_get_host', { host: h }) : call(o, 'thruk_get_service', { host: h, service: s })),
      withStep('Alerts of the last 6 hours: {}.', call(o, 'thruk_list_alerts', { ...sf, since: '-6h' })),
      withStep('Notifications sent: {}.', call(o, 'thruk_list_notifications', { ...sf, since: '-6h' })),
      withStep('The timeline of the last day: {}.', call(o, 'thruk_incident_timeline', { ...sf, since: '-24h' })),
      withStep('Comments and acknowledgements: {}.', call(o, 'thruk_list_comments', { filter: f })),
      withStep('Downtimes: {}.', call(o, 'thruk_list_downtimes', { filter: f, active_only: false })),
      'Give the most likely causes, ranked, with the evidence for each, and what to check next.',
    ], 'Do not acknowledge, recheck or schedule anything unless the user explicitly asks for it.');
  }));

  defs.push(prompt('schedule_maintenance', {
    title: 'Schedule maintenance',
    description: 'Plan a downtime: confirm the target, show what is impacted, ask, then schedule and verify.',
    argsSchema: z.object({
      target: completable(str('Host, host/service, host group or service group'), (v) => complete(deps.names, 'hosts', v)),
      duration_minutes: str('Length in minutes (default 120)').optional(),
      kind: z.enum(['host', 'service', 'hostgroup', 'servicegroup']).optional().describe('What the target is (default hostgroup)'),
    }),
  }, ({ target, duration_minutes, kind = 'hostgroup' }) => {
    const minutes = /^\d+$/.test(duration_minutes ?? '') ? Number(duration_minutes) : 120;
    const [h, s] = kind === 'service' ? [target.split('/')[0] ?? target, target.split('/').slice(1).join('/')] : [target, ''];
    const check = kind === 'host' ? call(o, 'thruk_get_host', { host: target })
      : kind === 'service' ? call(o, 'thruk_get_service', { host: h, service: s })
        : kind === 'hostgroup' ? call(o, 'thruk_list_hosts', { filter: { field: 'hostgroup', value: target }, limit: 1000 })
          : call(o, 'thruk_list_services', { filter: { field: 'servicegroup', value: target }, limit: 1000 });
    const write = kind === 'hostgroup' ? 'thruk_schedule_hostgroup_downtime' : kind === 'servicegroup' ? 'thruk_schedule_servicegroup_downtime' : 'thruk_schedule_downtime';
    const canWrite = o.has(write);
    return steps(`Plan a ${minutes}-minute maintenance downtime for ${kind} ${target}, starting now.`, [
      withStep('Confirm the target exists and list what it covers: {}.', check),
      withStep('Check for downtimes already in place: {}.', call(o, 'thruk_list_downtimes', { active_only: false, limit: 100 })),
      'Show the user exactly what will be put into downtime (objects, start and end in their time zone) and ask for confirmation.',
      canWrite ? `Only after a clear yes, call ${write} (use dry_run first if offered), then verify with thruk_list_downtimes.` : 'This server does not offer the downtime write tools (read-only or not enabled): give the user the exact plan to apply in Thruk instead.',
    ], 'Never schedule anything without the user\'s explicit confirmation.');
  }));

  defs.push(prompt('diagnose_flapping', {
    title: 'Diagnose flapping',
    description: 'Why does this service flap, and how to stop it.',
    argsSchema: z.object({ host: host('Host name'), service: service('Service description') }),
  }, ({ host: h, service: s }) => {
    const filter = { operator: 'and', conditions: [{ field: 'host', value: h }, { field: 'service', value: s }] };
    return steps(`Diagnose why ${s} on ${h} is flapping:`, [
      withStep('Current state and thresholds: {}.', call(o, 'thruk_get_service', { host: h, service: s })),
      withStep('State changes of the last day: {}.', call(o, 'thruk_list_alerts', { filter, since: '-24h' })),
      withStep('Transitions and flapping periods: {}.', call(o, 'thruk_flap_summary', { filter, since: '-24h' })),
      withStep('The measured values against the thresholds: {}.', call(o, 'thruk_get_perfdata', { host: h, service: s })),
      'Explain the likely cause (threshold too tight, unstable network, resource pressure…) and propose concrete tuning (thresholds, check/retry intervals, flap thresholds).',
    ], 'Read-only: suggest changes, do not make them.');
  }));

  defs.push(prompt('daily_health_report', {
    title: 'Daily health report',
    description: 'A short read-only health report of the estate or one host group.',
    argsSchema: z.object({ hostgroup: hostgroup('Host group to scope the report (optional)').optional() }),
  }, ({ hostgroup: g }) => steps(`Write today's monitoring health report${g ? ` for host group ${g}` : ''}:`, [
    withStep('Overall totals: {}.', call(o, 'thruk_totals', scopeFilter(g))),
    withStep('Problems unacknowledged for over an hour: {}.', call(o, 'thruk_unacked_critical', { threshold_minutes: 60, ...scopeFilter(g) })),
    withStep('Checks that stopped running: {}.', call(o, 'thruk_stale_checks', scopeFilter(g))),
    withStep('The oldest open problems: {}.', call(o, 'thruk_oldest_problems', { limit: 10, ...scopeFilter(g) })),
    withStep('The noisiest hosts: {}.', call(o, 'thruk_top_noisy_hosts', { limit: 5, ...scopeFilter(g) })),
    withStep('The noisiest services: {}.', call(o, 'thruk_top_noisy_services', { limit: 5, ...scopeFilter(g) })),
  ], 'Keep it to one screen: headline status, top risks, and what needs an owner today. Read-only.')));

  defs.push(prompt('incident_triage', {
    title: 'Incident triage',
    description: 'Is this one outage or many, what is the common cause, and what to do first.',
    argsSchema: z.object({ hostgroup: hostgroup('Host group to focus on (optional)').optional() }),
  }, ({ hostgroup: g }) => steps(`Triage the current incident${g ? ` in host group ${g}` : ''}:`, [
    withStep('How bad is it: {}.', call(o, 'thruk_problem_counts', scopeFilter(g))),
    withStep('What is broken: {}.', call(o, 'thruk_problems', scopeFilter(g))),
    withStep('Did many hosts fail together: {}.', call(o, 'thruk_concurrent_failures', { window_minutes: 5, min_hosts: 3, ...scopeFilter(g) })),
    withStep('Common cause by topology: {}.', call(o, 'thruk_root_cause', scopeFilter(g))),
    withStep('Longest-standing problems: {}.', call(o, 'thruk_oldest_problems', scopeFilter(g))),
    withStep('Anything critical nobody has acknowledged: {}.', call(o, 'thruk_unacked_critical', { threshold_minutes: 0, ...scopeFilter(g) })),
  ], 'Conclude with: severity, one outage or many (and the common cause), and an ordered action list.')));

  defs.push(prompt('capacity_review', {
    title: 'Capacity review',
    description: 'Which metrics are close to their thresholds (disks, memory, load…).',
    argsSchema: z.object({
      hostgroup: hostgroup('Host group to review (optional)').optional(),
      within_percent: str('Headroom in percent below which a metric is at risk (default 10)').optional(),
    }),
  }, ({ hostgroup: g, within_percent }) => {
    const pct = /^\d+(\.\d+)?$/.test(within_percent ?? '') ? Number(within_percent) : 10;
    return steps(`Review capacity${g ? ` for host group ${g}` : ''}:`, [
      withStep('Metrics near their thresholds: {}.', call(o, 'thruk_perfdata_near_threshold', { within_percent: pct, ...scopeFilter(g) })),
      withStep('Context for the affected services: {}.', call(o, 'thruk_perfdata_snapshot', scopeFilter(g))),
      'Rank the at-risk metrics by urgency, with value, threshold and unit, and say what to do about the top ones.',
    ], 'Read-only.');
  }));

  defs.push(prompt('sla_report', {
    title: 'SLA report',
    description: 'Availability of a host, service or host group against 99.9 %.',
    argsSchema: z.object({
      target: completable(str('Host, host/service or host group'), (v) => complete(deps.names, 'hosts', v)),
      kind: z.enum(['host', 'service', 'hostgroup']).optional().describe('What the target is (default host)'),
      timeperiod: str('Thruk time period, e.g. last7days, lastmonth (default last7days)').optional(),
    }),
  }, ({ target, kind = 'host', timeperiod = 'last7days' }) => {
    const [h, ...rest] = target.split('/');
    const c = kind === 'host' ? call(o, 'thruk_host_availability', { host: target, timeperiod })
      : kind === 'service' ? call(o, 'thruk_service_availability', { host: h ?? target, service: rest.join('/'), timeperiod })
        : call(o, 'thruk_hostgroup_availability_summary', { hostgroup: target, timeperiod });
    return steps(`Report the availability of ${kind} ${target} for ${timeperiod}:`, [
      withStep('Availability numbers: {}.', c),
      'Separate planned (scheduled downtime) from unplanned outage time, state the percentage, and give a pass/fail verdict against 99.9 %.',
    ], 'Read-only.');
  }));

  defs.push(prompt('noise_review', {
    title: 'Noise review',
    description: 'Which checks are noisy or flapping, and what to tune.',
    argsSchema: z.object({ since: str('Start of the window, e.g. -24h or -7d (default -24h)').optional() }),
  }, ({ since = '-24h' }) => steps(`Review alert noise since ${since}:`, [
    withStep('Noisiest hosts: {}.', call(o, 'thruk_top_noisy_hosts', { since })),
    withStep('Noisiest services: {}.', call(o, 'thruk_top_noisy_services', { since })),
    withStep('Flapping objects: {}.', call(o, 'thruk_flap_summary', { since })),
    withStep('Recurring problems: {}.', call(o, 'thruk_recurring_problems', { since })),
    withStep('When alerts happen: {}.', call(o, 'thruk_alert_heatmap', { since })),
    'Propose concrete tuning (thresholds, retries, dependencies, flap detection, notification delays), most impactful first.',
  ], 'Read-only.')));
  return defs;
}

export function registerPrompts(server: McpServer, defs: readonly PromptDef[]): void {
  for (const d of defs) d(server);
}

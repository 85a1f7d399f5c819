/**
 * One call per tool and scope, built from the discovered estate. Scope "all" sends no `backends`
 * (and names a host that exists on several cores when there is one); a core scope sends
 * `backends: <core>` and names that core's objects. Every write is a dry run here. A tool the
 * table does not know (added later) gets its required arguments filled by name, or is reported
 * as having no recipe.
 */
import { pickHost, pickService, type CoreEstate, type Estate } from './estate.js';
import type { ToolInfo } from './rig.js';

export const ALL = 'all';

export interface Scope {
  name: string;
  core?: string;
  /** The objects to name: this core's, or for "all" the union with shared names first. */
  e: CoreEstate;
}

export type Recipe = (s: Scope, o: Objects) => Record<string, unknown> | string;

/** The objects a scope's calls name. */
export interface Objects {
  host: string;
  service?: { host: string; description: string };
  hostgroup?: string;
  servicegroup?: string;
  contact?: string;
  downtimeId?: number;
  commentId?: number;
  /** A host with a downtime in effect (for the delete-by-host dry runs). */
  downtimeHost?: string;
  /** A service problem nobody handles yet, on a host that is UP (for the bulk acknowledgement). */
  openProblem?: { host: string; description: string };
  /** The chosen downtime / comment id also exists on another core (only in scope "all"). */
  downtimeIdShared?: boolean;
  commentIdShared?: boolean;
}

export function scopesOf(estate: Estate): Scope[] {
  const union: CoreEstate = {
    core: ALL,
    hosts: [...estate.byCore.values()].flatMap((e) => e.hosts),
    services: [...estate.byCore.values()].flatMap((e) => e.services),
    hostgroups: [...new Set([...estate.byCore.values()].flatMap((e) => e.hostgroups))],
    servicegroups: [...new Set([...estate.byCore.values()].flatMap((e) => e.servicegroups))],
    contacts: [...new Set([...estate.byCore.values()].flatMap((e) => e.contacts))],
    downtimes: [...estate.byCore.values()].flatMap((e) => e.downtimes),
    comments: [...estate.byCore.values()].flatMap((e) => e.comments),
  };
  return [{ name: ALL, e: union }, ...estate.cores.map((c) => ({ name: c, core: c, e: estate.byCore.get(c)! }))];
}

export function objectsOf(s: Scope, estate: Estate): Objects | undefined {
  const host = pickHost(s.e, s.core === undefined ? estate.shared[0] : undefined);
  if (host === undefined) return undefined;
  const svc = pickService(s.e, host) ?? pickService(s.e);
  // In scope "all", an id that exists on one core only (ids are per core); else any.
  const unique = <T extends { id: number }>(rows: T[]) => rows.find((r) => rows.filter((x) => x.id === r.id).length === 1) ?? rows[0];
  const now = Date.now() / 1000;
  const dt = unique(s.e.downtimes);
  const cm = unique(s.e.comments);
  const activeDt = s.e.downtimes.find((d) => d.start_time <= now && now <= d.end_time);
  const upHosts = new Set(s.e.hosts.filter((h) => h.state === 0).map((h) => h.name));
  const truthy = (v: unknown) => v === 1 || v === true;
  const open = s.e.services.find(
    (x) => x.state !== 0 && upHosts.has(x.host_name) && !truthy(x.acknowledged) && x.scheduled_downtime_depth === 0,
  );
  return {
    host,
    ...(svc !== undefined ? { service: { host: svc.host_name, description: svc.description } } : {}),
    ...(s.e.hostgroups[0] !== undefined ? { hostgroup: s.e.hostgroups[0] } : {}),
    ...(s.e.servicegroups[0] !== undefined ? { servicegroup: s.e.servicegroups[0] } : {}),
    ...(s.e.contacts[0] !== undefined ? { contact: s.e.contacts[0] } : {}),
    ...(dt !== undefined ? { downtimeId: dt.id } : {}),
    ...(cm !== undefined ? { commentId: cm.id } : {}),
    ...(activeDt !== undefined ? { downtimeHost: activeDt.host_name } : {}),
    ...(open !== undefined ? { openProblem: { host: open.host_name, description: open.description } } : {}),
    downtimeIdShared: dt !== undefined && s.e.downtimes.filter((d) => d.id === dt.id).length > 1,
    commentIdShared: cm !== undefined && s.e.comments.filter((c) => c.id === cm.id).length > 1,
  };
}

/** Two host names with services in this scope, for the `in` filter (truthFindings counts their services). */
export function twoHosts(s: Scope): string[] {
  return [...new Set(s.e.services.map((x) => x.host_name))].sort().slice(0, 2);
}

const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new NoObject(what);
  return v;
};
export class NoObject extends Error {
  constructor(what: string) {
    super(`no ${what} in this scope`);
  }
}

const hostFilter = (o: Objects) => ({ field: 'host', value: o.host });
const svcArgs = (o: Objects) => {
  const s = need(o.service, 'service');
  return { host: s.host, service: s.description };
};
const DRY = { dry_run: true };

/** Arguments per tool (without `backends`, which the runner adds per scope). */
export const RECIPES: Record<string, Recipe> = {
  thruk_problems: () => ({ include_handled: true }),
  thruk_list_hosts: () => ({}),
  thruk_get_host: (_s, o) => ({ host: o.host }),
  // An `in` filter on a text field: the filter compiler's bracket form must be one Thruk applies.
  thruk_list_services: (s) => ({ filter: { field: 'host', op: 'in', value: twoHosts(s) } }),
  thruk_get_service: (_s, o) => svcArgs(o),
  thruk_list_hostgroups: () => ({}),
  thruk_list_servicegroups: () => ({}),
  thruk_totals: () => ({}),
  thruk_problem_counts: () => ({}),
  thruk_stats: () => ({}),
  thruk_sites: () => ({}),
  thruk_list_contacts: () => ({}),
  thruk_get_contact: (_s, o) => ({ contact: need(o.contact, 'contact') }),
  thruk_list_downtimes: () => ({}),
  thruk_get_downtime: (_s, o) => ({ downtime_id: need(o.downtimeId, 'downtime') }),
  thruk_list_comments: () => ({}),
  thruk_list_logs: () => ({ since: '-2h', limit: 30 }),
  thruk_list_alerts: () => ({ since: '-2h', limit: 30 }),
  thruk_list_notifications: () => ({ since: '-2h', limit: 30 }),
  thruk_notification_summary: () => ({ since: '-2h' }),
  thruk_recent_events: () => ({ hours: 2 }),
  thruk_incident_timeline: (_s, o) => ({ filter: hostFilter(o), since: '-2h' }),
  thruk_state_at: (_s, o) => ({ timestamp: '-5m', filter: hostFilter(o), lookback: '1d' }),
  thruk_state_diff: (_s, o) => ({ t1: '-30m', t2: 'now', filter: hostFilter(o), lookback: '1d' }),
  thruk_oldest_problems: () => ({}),
  thruk_unacked_critical: () => ({ threshold_minutes: 0 }),
  thruk_stale_acks: () => ({ min_days: 0 }),
  thruk_stale_checks: () => ({}),
  thruk_worker_health: () => ({}),
  thruk_backend_health: () => ({}),
  thruk_concurrent_failures: () => ({ since: '-2h' }),
  thruk_root_cause: () => ({ since: '-2h' }),
  thruk_unreachable_vs_down: () => ({ since: '-2h' }),
  thruk_top_noisy_hosts: () => ({ since: '-2h' }),
  thruk_top_noisy_services: () => ({ since: '-2h' }),
  thruk_flap_summary: () => ({ since: '-2h' }),
  thruk_alert_heatmap: () => ({ since: '-2h' }),
  thruk_notification_heatmap: () => ({ since: '-2h' }),
  thruk_recurring_problems: () => ({ since: '-2h', min_alerts: 1 }),
  thruk_reliability_report: () => ({ since: '-2h' }),
  thruk_host_availability: (_s, o) => ({ host: o.host, since: '-2h' }),
  thruk_service_availability: (_s, o) => ({ ...svcArgs(o), since: '-2h' }),
  thruk_hostgroup_availability: (_s, o) => ({ hostgroup: need(o.hostgroup, 'host group'), since: '-2h' }),
  thruk_hostgroup_availability_summary: (_s, o) => ({ hostgroup: need(o.hostgroup, 'host group'), since: '-2h' }),
  thruk_get_perfdata: (_s, o) => ({ host: need(o.service, 'service').host }),
  thruk_perfdata_snapshot: () => ({}),
  thruk_perfdata_near_threshold: () => ({}),
  thruk_describe: () => ({ what: 'hosts' }),
  thruk_query: () => ({ path: '/hosts', params: { columns: 'name,state' } }),
  thruk_run_background_query: () => ({ path: '/logs', params: { columns: 'time,type,host_name' }, limit: 20, timeout_s: 60 }),
  // Writes: dry runs only in this phase.
  thruk_schedule_downtime: (_s, o) => ({ ...svcArgs(o), duration_minutes: 10, comment: 'thruk-mcp real suite (dry run)', ...DRY }),
  thruk_schedule_host_services_downtime: (_s, o) => ({ host: o.host, duration_minutes: 10, ...DRY }),
  thruk_schedule_propagated_host_downtime: (_s, o) => ({ host: o.host, duration_minutes: 10, ...DRY }),
  thruk_schedule_hostgroup_downtime: (_s, o) => ({ hostgroup: need(o.hostgroup, 'host group'), duration_minutes: 10, ...DRY }),
  thruk_schedule_servicegroup_downtime: (_s, o) => ({ servicegroup: need(o.servicegroup, 'service group'), duration_minutes: 10, ...DRY }),
  thruk_delete_downtime: (_s, o) => ({ downtime_id: need(o.downtimeId, 'downtime'), ...DRY }),
  thruk_delete_active_downtimes: (_s, o) => ({ host: need(o.downtimeHost, 'downtime in effect'), include_services: true, ...DRY }),
  thruk_delete_downtimes_by_filter: (_s, o) => ({ host: need(o.downtimeHost, 'downtime in effect'), all_matching: true, ...DRY }),
  thruk_acknowledge: (_s, o) => ({ ...svcArgs(o), sticky: false, ...DRY }),
  thruk_remove_acknowledgement: (_s, o) => ({ ...svcArgs(o), ...DRY }),
  thruk_bulk_acknowledge: (_s, o) => ({
    host: need(o.openProblem, 'unhandled service problem on an UP host').host,
    services_only: true,
    ...DRY,
  }),
  thruk_recheck: (_s, o) => ({ ...svcArgs(o), ...DRY }),
  thruk_checks: (_s, o) => ({ ...svcArgs(o), enabled: false, ...DRY }),
  thruk_notifications: (_s, o) => ({ ...svcArgs(o), enabled: false, ...DRY }),
  thruk_add_comment: (_s, o) => ({ ...svcArgs(o), comment: 'thruk-mcp real suite (dry run)', ...DRY }),
  thruk_delete_comment: (_s, o) => ({ comment_id: need(o.commentId, 'comment'), ...DRY }),
  thruk_submit_passive_result: (_s, o) => ({ ...svcArgs(o), state: 'ok', output: 'thruk-mcp real suite (dry run)', ...DRY }),
};

/**
 * An error that is the right answer: in scope "all" an id that exists on several cores must be
 * refused until the caller names the core (ids are per core).
 */
export function expectedError(tool: string, o: Objects): RegExp | undefined {
  if (tool === 'thruk_delete_downtime' || tool === 'thruk_get_downtime')
    return o.downtimeIdShared === true ? /several backends/ : undefined;
  if (tool === 'thruk_delete_comment') return o.commentIdShared === true ? /several backends/ : undefined;
  return undefined;
}

/** Fills a new tool's required arguments by their names; a string says why it cannot. */
export function genericRecipe(tool: ToolInfo): Recipe {
  return (_s, o) => {
    const args: Record<string, unknown> = {};
    const props = tool.inputSchema.properties ?? {};
    for (const name of tool.inputSchema.required ?? []) {
      switch (name) {
        case 'host':
          args.host = o.service?.host ?? o.host;
          break;
        case 'service':
          args.service = need(o.service, 'service').description;
          break;
        case 'hostgroup':
          args.hostgroup = need(o.hostgroup, 'host group');
          break;
        case 'servicegroup':
          args.servicegroup = need(o.servicegroup, 'service group');
          break;
        case 'contact':
          args.contact = need(o.contact, 'contact');
          break;
        case 'downtime_id':
          args.downtime_id = need(o.downtimeId, 'downtime');
          break;
        case 'comment_id':
          args.comment_id = need(o.commentId, 'comment');
          break;
        case 'filter':
          args.filter = hostFilter(o);
          break;
        case 'timestamp':
        case 't1':
          args[name] = '-30m';
          break;
        case 't2':
          args.t2 = 'now';
          break;
        case 'since':
          args.since = '-2h';
          break;
        default:
          return `no recipe for the required argument "${name}"`;
      }
    }
    if ('service' in props && args.service === undefined && o.service !== undefined && args.host === o.service.host)
      args.service = o.service.description;
    if ('dry_run' in props) args.dry_run = true;
    return args;
  };
}

export function recipeFor(tool: ToolInfo): { recipe: Recipe; generic: boolean } {
  const known = RECIPES[tool.name];
  return known !== undefined ? { recipe: known, generic: false } : { recipe: genericRecipe(tool), generic: true };
}

/** Is this a write tool (by its annotations: not read-only)? */
export function isWriteTool(tool: ToolInfo): boolean {
  return tool.annotations?.readOnlyHint !== true;
}

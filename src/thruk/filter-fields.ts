/**
 * Logical filter fields per Thruk table: which column each one filters and what kind of value the
 * column holds. The kind decides which operators make sense and how values are converted.
 */
import type { FilterOp } from './filter-schema.js';

export type FilterTable = 'hosts' | 'services' | 'logs' | 'downtimes' | 'comments';

export type FieldKind =
  | { readonly kind: 'text' }
  | { readonly kind: 'number' }
  /** 0/1 columns; booleans and yes/no/true/false are accepted. */
  | { readonly kind: 'flag' }
  /** Epoch seconds; values go through the injected time resolver. */
  | { readonly kind: 'time' }
  /** List column (groups, contacts…): eq/neq mean membership. */
  | { readonly kind: 'list' }
  /** Integer column with names, e.g. states; `pendingColumn` makes "pending" mean `<col> = 0`. */
  | {
      readonly kind: 'enum';
      readonly names: Readonly<Record<string, number>>;
      readonly min: number;
      readonly max: number;
      readonly pendingColumn?: string;
    }
  /** `{var, val}` → `_<PREFIX><VAR>`. */
  | { readonly kind: 'custom_var'; readonly prefix: '' | 'HOST' };

export interface FieldDef {
  readonly column: string;
  readonly type: FieldKind;
  /** Operator when the leaf has none (eq unless stated). */
  readonly defaultOp?: FilterOp;
  /** The field implies one comparison (since → time >= v); only eq or this op are accepted. */
  readonly impliedOp?: 'gte' | 'lte';
}

const TEXT: FieldKind = { kind: 'text' };
const NUMBER: FieldKind = { kind: 'number' };
const FLAG: FieldKind = { kind: 'flag' };
const TIME: FieldKind = { kind: 'time' };
const LIST: FieldKind = { kind: 'list' };

function enumKind(names: Record<string, number>, pendingColumn?: string): FieldKind {
  const values = Object.values(names);
  return {
    kind: 'enum',
    names,
    min: Math.min(...values),
    max: Math.max(...values),
    ...(pendingColumn === undefined ? {} : { pendingColumn }),
  };
}

const HOST_STATES = { up: 0, down: 1, unreachable: 2 };
const SERVICE_STATES = { ok: 0, warning: 1, warn: 1, critical: 2, crit: 2, unknown: 3 };
// Log rows mix host and service alerts; the numbers coincide (DOWN and WARNING are both 1).
const LOG_STATES = { ...HOST_STATES, ...SERVICE_STATES };
const STATE_TYPES = { soft: 0, hard: 1 };
const CHECK_TYPES = { active: 0, passive: 1 };
const LOG_CLASSES = { info: 0, alert: 1, program: 2, notification: 3, passive: 4, command: 5, external_command: 5, state: 6 };
const COMMENT_ENTRY_TYPES = { user: 1, downtime: 2, flapping: 3, acknowledgement: 4, ack: 4 };
const COMMENT_TYPES = { host: 1, service: 2 };

function columns(kind: FieldKind, names: readonly string[]): Record<string, FieldDef> {
  return Object.fromEntries(names.map((name) => [name, { column: name, type: kind }]));
}

/** Status columns hosts and services share (same names on both tables). */
const STATUS_COMMON: Record<string, FieldDef> = {
  ...columns(TEXT, [
    'display_name',
    'plugin_output',
    'long_plugin_output',
    'check_command',
    'notes',
    'peer_name',
    'peer_key',
    'check_period',
    'notification_period',
  ]),
  ...columns(FLAG, [
    'acknowledged',
    'has_been_checked',
    'notifications_enabled',
    'is_flapping',
    'active_checks_enabled',
    'checks_enabled',
    'accept_passive_checks',
    'event_handler_enabled',
    'flap_detection_enabled',
    'is_executing',
    'in_check_period',
    'in_notification_period',
    'check_freshness',
    'process_performance_data',
  ]),
  ...columns(NUMBER, [
    'scheduled_downtime_depth',
    'current_attempt',
    'max_check_attempts',
    'latency',
    'execution_time',
    'percent_state_change',
    'check_interval',
    'retry_interval',
    'current_notification_number',
  ]),
  ...columns(TIME, ['last_check', 'next_check', 'last_state_change', 'last_notification', 'last_update']),
  ...columns(LIST, ['contacts', 'contact_groups']),
  state_type: { column: 'state_type', type: enumKind(STATE_TYPES) },
  check_type: { column: 'check_type', type: enumKind(CHECK_TYPES) },
};

const HOSTS: Record<string, FieldDef> = {
  ...STATUS_COMMON,
  ...columns(TEXT, ['name', 'address', 'alias']),
  ...columns(LIST, ['groups', 'parents', 'childs', 'services']),
  ...columns(NUMBER, [
    'num_services',
    'num_services_ok',
    'num_services_warn',
    'num_services_crit',
    'num_services_unknown',
    'num_services_pending',
  ]),
  ...columns(TIME, ['last_time_up', 'last_time_down', 'last_time_unreachable']),
  host: { column: 'name', type: TEXT },
  state: { column: 'state', type: enumKind(HOST_STATES, 'has_been_checked') },
  hostgroup: { column: 'groups', type: LIST },
  custom_var: { column: '_', type: { kind: 'custom_var', prefix: '' } },
  // Lets one filter be compiled for both /hosts and /services (stats, problem counts).
  host_custom_var: { column: '_', type: { kind: 'custom_var', prefix: '' } },
};

const SERVICES: Record<string, FieldDef> = {
  ...STATUS_COMMON,
  ...columns(TEXT, [
    'host_name',
    'description',
    'host_alias',
    'host_address',
    'host_display_name',
    'host_plugin_output',
    'host_check_command',
  ]),
  ...columns(LIST, ['groups', 'host_groups', 'host_parents', 'host_contacts', 'host_contact_groups']),
  ...columns(FLAG, [
    'host_acknowledged',
    'host_has_been_checked',
    'host_notifications_enabled',
    'host_is_flapping',
    'host_active_checks_enabled',
    'host_checks_enabled',
    'host_accept_passive_checks',
    'host_is_executing',
  ]),
  ...columns(NUMBER, ['host_scheduled_downtime_depth', 'host_latency', 'host_current_attempt']),
  ...columns(TIME, ['host_last_state_change', 'last_time_ok', 'last_time_warning', 'last_time_critical', 'last_time_unknown']),
  host_check_type: { column: 'host_check_type', type: enumKind(CHECK_TYPES) },
  host: { column: 'host_name', type: TEXT },
  service: { column: 'description', type: TEXT },
  state: { column: 'state', type: enumKind(SERVICE_STATES, 'has_been_checked') },
  host_state: { column: 'host_state', type: enumKind(HOST_STATES, 'host_has_been_checked') },
  hostgroup: { column: 'host_groups', type: LIST },
  servicegroup: { column: 'groups', type: LIST },
  custom_var: { column: '_', type: { kind: 'custom_var', prefix: '' } },
  host_custom_var: { column: '_', type: { kind: 'custom_var', prefix: 'HOST' } },
};

const LOGS: Record<string, FieldDef> = {
  ...columns(TEXT, [
    'host_name',
    'service_description',
    'contact_name',
    'command_name',
    'plugin_output',
    'options',
    'type',
    'state_type',
    'peer_name',
    'peer_key',
  ]),
  host: { column: 'host_name', type: TEXT },
  service: { column: 'service_description', type: TEXT },
  contact: { column: 'contact_name', type: TEXT },
  message: { column: 'message', type: TEXT, defaultOp: 'regex' },
  state: { column: 'state', type: enumKind(LOG_STATES) },
  class: { column: 'class', type: enumKind(LOG_CLASSES) },
  time: { column: 'time', type: TIME },
  since: { column: 'time', type: TIME, impliedOp: 'gte' },
  until: { column: 'time', type: TIME, impliedOp: 'lte' },
};

const ENTRY_COMMON: Record<string, FieldDef> = {
  ...columns(TEXT, ['host_name', 'service_description', 'author', 'comment', 'peer_name', 'peer_key']),
  ...columns(TIME, ['entry_time']),
  host: { column: 'host_name', type: TEXT },
  service: { column: 'service_description', type: TEXT },
  id: { column: 'id', type: NUMBER },
};

const DOWNTIMES: Record<string, FieldDef> = {
  ...ENTRY_COMMON,
  ...columns(TIME, ['start_time', 'end_time']),
  ...columns(NUMBER, ['duration', 'triggered_by']),
  fixed: { column: 'fixed', type: FLAG },
};

const COMMENTS: Record<string, FieldDef> = {
  ...ENTRY_COMMON,
  ...columns(FLAG, ['persistent', 'expires']),
  ...columns(TIME, ['expire_time']),
  source: { column: 'source', type: NUMBER },
  entry_type: { column: 'entry_type', type: enumKind(COMMENT_ENTRY_TYPES) },
  type: { column: 'type', type: enumKind(COMMENT_TYPES) },
};

const TABLES: Readonly<Record<FilterTable, Readonly<Record<string, FieldDef>>>> = {
  hosts: HOSTS,
  services: SERVICES,
  logs: LOGS,
  downtimes: DOWNTIMES,
  comments: COMMENTS,
};

/** Every logical field the compiler knows for `table` (a tool usually allows a subset). */
export function fieldsOf(table: FilterTable): string[] {
  return Object.keys(TABLES[table]);
}

export function fieldDef(table: FilterTable, field: string): FieldDef | undefined {
  const defs = TABLES[table];
  return Object.hasOwn(defs, field) ? defs[field] : undefined;
}

/**
 * What we know about Thruk's tables beyond what one sampled row shows: enum meanings, units, and
 * the columns Thruk answers with null because they are not in its default column set.
 */

/** Livestatus tables and JSON-object endpoints we fetch a sample of; anything else is described from /index only. */
export const SAMPLEABLE: ReadonlySet<string> = new Set([
  '/hosts',
  '/services',
  '/hostgroups',
  '/servicegroups',
  '/contacts',
  '/contactgroups',
  '/timeperiods',
  '/commands',
  '/comments',
  '/downtimes',
  '/logs',
  '/alerts',
  '/notifications',
  '/processinfo',
  '/sites',
  '/lmd/sites',
  '/hosts/stats',
  '/hosts/totals',
  '/services/stats',
  '/services/totals',
  '/processinfo/stats',
  '/checks/stats',
  '/thruk',
]);

/** Paths that list rows (Livestatus tables); the others answer one JSON object. */
export const ROW_TABLES: ReadonlySet<string> = new Set([
  '/hosts',
  '/services',
  '/hostgroups',
  '/servicegroups',
  '/contacts',
  '/contactgroups',
  '/timeperiods',
  '/commands',
  '/comments',
  '/downtimes',
  '/logs',
  '/alerts',
  '/notifications',
  '/processinfo',
  '/sites',
  '/lmd/sites',
]);

export const SINGULAR: Readonly<Record<string, string>> = {
  host: 'hosts',
  service: 'services',
  hostgroup: 'hostgroups',
  servicegroup: 'servicegroups',
  contact: 'contacts',
  contactgroup: 'contactgroups',
  timeperiod: 'timeperiods',
  command: 'commands',
  comment: 'comments',
  downtime: 'downtimes',
  log: 'logs',
  alert: 'alerts',
  notification: 'notifications',
  site: 'sites',
  status: 'processinfo',
};

const STATUS_NOTES: Readonly<Record<string, string>> = {
  state_type: '0 SOFT, 1 HARD',
  check_type: '0 active, 1 passive',
  has_been_checked: '0 = pending (never checked; state then reads 0)',
  acknowledged: 'flag',
  scheduled_downtime_depth: 'number of downtimes in effect (0 = none)',
  check_interval: 'in interval_length units (minutes on every default core)',
  retry_interval: 'in interval_length units (minutes)',
  latency: 'seconds',
  execution_time: 'seconds',
  groups: 'list; filter membership with groups[gte]=NAME',
  contacts: 'list',
  custom_variables: 'object NAME→value; each also appears as a _NAME key (filter _NAME=value)',
  perf_data: 'raw performance data; each label is also expanded to <label> and <label>_unit keys',
  perf_data_expanded: 'parsed performance data: name, value, unit, warn, crit, min, max',
  long_plugin_output: 'on Icinga 2 line breaks come as a literal \\n',
  peer_key: 'backend id (added by Thruk to every row)',
  peer_name: 'backend name; use it in the backends argument',
};

const LOG_NOTES: Readonly<Record<string, string>> = {
  class: '0 info, 1 alert, 2 program, 3 notification, 4 passive check, 5 external command, 6 state',
  type: 'e.g. HOST ALERT, SERVICE ALERT, HOST NOTIFICATION, … DOWNTIME ALERT, EXTERNAL COMMAND',
  state: 'host 0-2 or service 0-3, depending on the row',
  state_type: 'the strings HARD/SOFT',
};

export const COLUMN_NOTES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '/hosts': {
    ...STATUS_NOTES,
    state: '0 UP, 1 DOWN, 2 UNREACHABLE',
    parents: 'list of parent host names',
    childs: 'list of child host names',
    services: 'list of service descriptions',
  },
  '/services': {
    ...STATUS_NOTES,
    state: '0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN',
    host_state: '0 UP, 1 DOWN, 2 UNREACHABLE',
    groups: 'service groups (list; groups[gte]=NAME)',
    host_groups: 'host groups of the host (list; host_groups[gte]=NAME)',
    host_custom_variables: "the host's variables; each also as a _HOSTNAME key (filter _HOSTNAME=value)",
  },
  '/downtimes': {
    id: 'renumbered when Icinga 2 reloads: never keep ids',
    service_description: 'null (Icinga 2) or "" (Naemon) for a host downtime',
    fixed: '1/true fixed, 0/false flexible',
    duration: 'seconds a flexible downtime lasts once a problem starts it',
    triggered_by: 'id of the downtime that triggers this one; 0 or null = none',
  },
  '/comments': {
    id: 'renumbered when Icinga 2 reloads: never keep ids',
    service_description: 'null (Icinga 2) or "" (Naemon) for a host comment',
    entry_type: '1 user, 2 downtime, 3 flapping, 4 acknowledgement',
    type: '1 host, 2 service',
    source: '0 internal, 1 external',
    persistent: 'flag: survives a core restart',
  },
  '/logs': LOG_NOTES,
  '/alerts': LOG_NOTES,
  '/notifications': LOG_NOTES,
  '/sites': { status: '0 OK, 1 DOWN', connected: '1/0', localtime: 'the Thruk server clock' },
  '/processinfo': {
    interval_length: 'seconds per check_interval unit',
    enable_notifications: 'flag, global',
    execute_host_checks: 'flag, global',
    execute_service_checks: 'flag, global',
    program_start: 'core start',
  },
  '/hostgroups': { worst_host_state: '0 UP … 2 UNREACHABLE', worst_service_state: '0 OK … 3 UNKNOWN', members: 'list of host names' },
  '/servicegroups': { worst_service_state: '0 OK … 3 UNKNOWN', members: 'list of [host, service] pairs' },
};

/** Real Livestatus columns that Thruk does not fetch, so asking for them returns null. */
export const NULL_ON_THRUK: Readonly<Record<string, readonly string[]>> = {
  '/hosts': [
    'acknowledgement_type',
    'hard_state',
    'last_hard_state',
    'last_hard_state_change',
    'downtimes',
    'worst_service_state',
    'next_notification',
    'services_with_state',
  ],
  '/services': ['acknowledgement_type', 'hard_state', 'last_hard_state', 'last_hard_state_change', 'downtimes', 'next_notification'],
  '/downtimes': ['is_service', 'type'],
};

const LOG_COLUMNS = [
  'time',
  'class',
  'type',
  'state',
  'state_type',
  'host_name',
  'service_description',
  'contact_name',
  'command_name',
  'message',
  'plugin_output',
  'options',
  'peer_key',
  'peer_name',
];

/** Documented default columns, used when the table is empty and there is no row to sample. */
export const DOCUMENTED: Readonly<Record<string, readonly string[]>> = {
  '/downtimes': [
    'id',
    'host_name',
    'service_description',
    'author',
    'comment',
    'entry_time',
    'start_time',
    'end_time',
    'fixed',
    'duration',
    'triggered_by',
    'peer_key',
    'peer_name',
  ],
  '/comments': [
    'id',
    'host_name',
    'service_description',
    'author',
    'comment',
    'entry_time',
    'entry_type',
    'type',
    'persistent',
    'source',
    'expires',
    'expire_time',
    'peer_key',
    'peer_name',
  ],
  '/logs': LOG_COLUMNS,
  '/alerts': LOG_COLUMNS,
  '/notifications': LOG_COLUMNS,
  '/lmd/sites': [
    'key',
    'name',
    'addr',
    'status',
    'last_error',
    'last_online',
    'last_update',
    'last_query',
    'queries',
    'response_time',
    'bytes_send',
    'bytes_received',
    'idling',
    'section',
  ],
};

export const TABLE_NOTES: Readonly<Record<string, readonly string[]>> = {
  '/hosts': ['Also /hosts/<name>, /hosts/<name>/services, /hosts/stats, /hosts/totals.'],
  '/services': [
    'Also /services/<host>/<service> (each segment URL-encoded, / as %2F), /services/stats, /services/totals.',
    "host_* columns carry the host's values on every service row.",
  ],
  '/downtimes': ['host_* and service_* columns of the object can be asked for (Thruk 3.12+).'],
  '/comments': ['host_* and service_* columns of the object can be asked for (Thruk 3.12+).'],
  '/logs': [
    'Without a time filter Thruk returns only the last 24 h; always filter time[gte]=… and keep the window narrow, log queries are the most expensive.',
  ],
  '/alerts': ['= /logs restricted to HOST/SERVICE ALERT rows; same columns.'],
  '/notifications': [
    '= /logs with class 3. On Icinga 2, notification rows are parsed wrongly (host_name null for host notifications, state always 3).',
  ],
  '/lmd/sites': ['Empty unless Thruk runs with LMD.'],
};

export const FILTER_NOTE = [
  'Filters: any column as a query parameter: col=v, col[ne]=v, col[regex]=v (case-insensitive; Thruk 3.20 silently ignores a parameter named with ~ ! = < >, e.g. col[~] or col[!=], and answers unfiltered rows, so use the word operators only), col[gt|gte|lt|lte]=v; on list columns col[gte]=v means "contains" and col[notin]=v "does not contain"; several parameters are AND-ed.',
  'q=… expression: col OP value with = != ~~ !~~ > >= < <= !>=, joined by and/or; no precedence, so parenthesise; quote values with \' or " (no escapes; a value cannot hold both).',
  'Reserved: columns (comma list; count(*), sum(c), avg(c), min(c), max(c) aggregate, other columns group), sort (-col descending), limit, offset, backends. Do not send limit with sort: Thruk applies the limit before sorting.',
  'Times are epoch seconds; relative values like -2h work with the comparison operators. Unknown columns come back as null; an unknown filter column is a 400 "possible typo".',
];

/** Example values of these columns may hold credentials or personal data; their type is shown, never the value. */
export const HIDDEN_EXAMPLE =
  /(^|_)(line|command_line|check_command|event_handler|email|pager|address[1-6]|password|passwd|secret|token|api_key)$/i;

export type CmdType = 'host' | 'service' | 'hostgroup' | 'servicegroup' | 'contact' | 'contactgroup' | 'system';

export interface ArgDef {
  readonly name: string;
  readonly required: boolean;
}

export interface CmdDef {
  readonly name: string;
  readonly type: CmdType;
  readonly args: readonly ArgDef[];
  /** Naemon external command name, or '' for Thruk's own commands */
  readonly nagios: string;
  readonly description: string;
}

const ARGS: Readonly<Record<string, string>> = {
  ACK: 'sticky_ack send_notification persistent_comment comment_author comment_data*',
  ACKX: 'sticky_ack send_notification persistent_comment end_time comment_author comment_data*',
  CMT: 'persistent_comment comment_author comment_data*',
  DT: 'start_time end_time fixed triggered_by duration comment_author comment_data*',
  ST: 'start_time',
  RES: 'plugin_state* plugin_output* performance_data',
  CUST: 'options comment_author comment_data*',
  NT: 'notification_time*',
  NOTE: 'log*',
  VAR: 'name* value*',
  TP: 'timeperiod*',
  IV: 'interval*',
  AT: 'attempts*',
  NUM: 'number*',
  CID: 'comment_id*',
  DID: 'downtime_id*',
  EH: 'eventhandler*',
  BYHOST: 'hostname service_desc start_time comment',
  BYHG: 'hostgroup_name hostname service_desc start_time comment',
  BYSTART: 'start_time comment',
};

const THRUK_ONLY: Readonly<Record<string, string>> = {
  del_comment: 'Removes comment by id for this %s.',
  del_downtime: 'Removes downtime by id for this %s.',
  del_active_host_downtimes: 'Removes all currently active downtimes for this host.',
  del_active_service_downtimes: 'Removes all currently active downtimes for this service.',
  note: 'Add %s note to core log.',
  log: 'Add custom log entry to core log.',
};

const DEFS: Readonly<Record<CmdType, string>> = {
  host: `acknowledge_host_problem:ACK acknowledge_host_problem_expire:ACKX remove_host_acknowledgement add_host_comment:CMT
    del_comment:CID del_all_host_comments schedule_host_downtime:DT schedule_host_svc_downtime:DT
    schedule_and_propagate_host_downtime:DT schedule_and_propagate_triggered_host_downtime:DT del_downtime:DID
    del_active_host_downtimes schedule_forced_host_check:ST schedule_host_check:ST schedule_forced_host_svc_checks:ST
    schedule_host_svc_checks:ST process_host_check_result:RES send_custom_host_notification:CUST delay_host_notification:NT note:NOTE
    enable_host_notifications disable_host_notifications enable_host_svc_notifications disable_host_svc_notifications
    enable_host_and_child_notifications disable_host_and_child_notifications enable_all_notifications_beyond_host
    disable_all_notifications_beyond_host enable_host_check disable_host_check enable_host_svc_checks disable_host_svc_checks
    enable_passive_host_checks disable_passive_host_checks enable_host_event_handler disable_host_event_handler
    enable_host_flap_detection disable_host_flap_detection start_obsessing_over_host stop_obsessing_over_host
    change_custom_host_var:VAR change_host_check_timeperiod:TP change_host_notification_timeperiod:TP
    change_max_host_check_attempts:IV change_normal_host_check_interval:IV change_retry_host_check_interval:IV change_host_modattr
    set_host_notification_number:NUM`,
  service: `acknowledge_svc_problem:ACK acknowledge_svc_problem_expire:ACKX remove_svc_acknowledgement add_svc_comment:CMT
    del_comment:CID del_all_svc_comments schedule_svc_downtime:DT del_downtime:DID del_active_service_downtimes
    schedule_forced_svc_check:ST schedule_svc_check:ST process_service_check_result:RES send_custom_svc_notification:CUST
    delay_svc_notification:NT note:NOTE enable_svc_notifications disable_svc_notifications enable_svc_check disable_svc_check
    enable_passive_svc_checks disable_passive_svc_checks enable_svc_event_handler disable_svc_event_handler
    enable_svc_flap_detection disable_svc_flap_detection start_obsessing_over_svc stop_obsessing_over_svc
    change_custom_svc_var:VAR change_max_svc_check_attempts:AT change_normal_svc_check_interval:IV
    change_retry_svc_check_interval:IV change_svc_check_timeperiod:TP change_svc_notification_timeperiod:TP change_svc_modattr
    set_svc_notification_number:NUM`,
  hostgroup: `schedule_hostgroup_host_downtime:DT schedule_hostgroup_svc_downtime:DT enable_hostgroup_host_checks
    disable_hostgroup_host_checks enable_hostgroup_svc_checks disable_hostgroup_svc_checks enable_hostgroup_host_notifications
    disable_hostgroup_host_notifications enable_hostgroup_svc_notifications disable_hostgroup_svc_notifications
    enable_hostgroup_passive_host_checks disable_hostgroup_passive_host_checks enable_hostgroup_passive_svc_checks
    disable_hostgroup_passive_svc_checks`,
  servicegroup: `schedule_servicegroup_host_downtime:DT schedule_servicegroup_svc_downtime:DT enable_servicegroup_host_checks
    disable_servicegroup_host_checks enable_servicegroup_svc_checks disable_servicegroup_svc_checks
    enable_servicegroup_host_notifications disable_servicegroup_host_notifications enable_servicegroup_svc_notifications
    disable_servicegroup_svc_notifications enable_servicegroup_passive_host_checks disable_servicegroup_passive_host_checks
    enable_servicegroup_passive_svc_checks disable_servicegroup_passive_svc_checks`,
  contact: `enable_contact_host_notifications disable_contact_host_notifications enable_contact_svc_notifications
    disable_contact_svc_notifications change_contact_host_notification_timeperiod:TP change_contact_svc_notification_timeperiod:TP
    change_custom_contact_var:VAR`,
  contactgroup: `enable_contactgroup_host_notifications disable_contactgroup_host_notifications
    enable_contactgroup_svc_notifications disable_contactgroup_svc_notifications`,
  system: `enable_notifications disable_notifications enable_event_handlers disable_event_handlers enable_flap_detection
    disable_flap_detection enable_performance_data disable_performance_data enable_host_freshness_checks
    disable_host_freshness_checks enable_service_freshness_checks disable_service_freshness_checks start_executing_host_checks
    stop_executing_host_checks start_executing_svc_checks stop_executing_svc_checks start_accepting_passive_host_checks
    stop_accepting_passive_host_checks start_accepting_passive_svc_checks stop_accepting_passive_svc_checks
    start_obsessing_over_host_checks stop_obsessing_over_host_checks start_obsessing_over_svc_checks
    stop_obsessing_over_svc_checks save_state_information read_state_information restart_process restart_program
    shutdown_process shutdown_program change_global_host_event_handler:EH change_global_svc_event_handler:EH log:NOTE
    del_host_downtime:DID del_svc_downtime:DID del_host_comment:CID del_svc_comment:CID del_downtime_by_host_name:BYHOST
    del_downtime_by_hostgroup_name:BYHG del_downtime_by_start_time_comment:BYSTART`,
};

let catalog: Map<string, CmdDef> | undefined;

function build(): Map<string, CmdDef> {
  const out = new Map<string, CmdDef>();
  for (const [type, list] of Object.entries(DEFS) as Array<[CmdType, string]>) {
    for (const item of list.split(/\s+/).filter(Boolean)) {
      const [name = '', argKey] = item.split(':');
      const args = (argKey ? (ARGS[argKey] ?? '') : '')
        .split(' ')
        .filter(Boolean)
        .map((a) => ({ name: a.replace('*', ''), required: a.endsWith('*') }));
      const own = THRUK_ONLY[name];
      const noun = type === 'service' ? 'service' : 'host';
      const description = own ? own.replace('%s', noun) : `Sends the ${name.toUpperCase()} command.`;
      out.set(`${type}/${name}`, { name, type, args, nagios: own ? '' : name.toUpperCase(), description });
    }
  }
  return out;
}

export function findCommand(type: CmdType, name: string): CmdDef | undefined {
  catalog ??= build();
  return catalog.get(`${type}/${name.toLowerCase()}`);
}

export function allCommands(): CmdDef[] {
  catalog ??= build();
  return [...catalog.values()];
}

/** The `help` text Thruk attaches to 400 errors of a command endpoint. */
export function commandHelp(def: CmdDef): string {
  const req = def.args.filter((a) => a.required).map((a) => `  * ${a.name}`);
  const opt = def.args.filter((a) => !a.required).map((a) => `  * ${a.name}`);
  const parts = [def.description];
  if (req.length) parts.push(`Required arguments:\n\n${req.join('\n')}`);
  if (opt.length) parts.push(`Optional arguments:\n\n${opt.join('\n')}`);
  if (def.nagios) parts.push(`See http://www.naemon.io/documentation/developer/externalcommands/${def.name}.html for details.`);
  return parts.join('\n\n');
}

export const GENERIC_HELP =
  'Sends any command.\n\nRequired arguments:\n\n  * cmd\n\nOptional arguments:\n\n  * host\n  * hostgroup\n  * service\n  * servicegroup\n  * contact\n  * contactgroup';

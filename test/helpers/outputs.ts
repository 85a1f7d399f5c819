/**
 * Each tool's structuredContent type, inferred from its zod output schema: what `call(name)` of
 * the harness returns for a literal tool name. One line per tool; a new tool adds its line here
 * (a tool missing here answers `unknown`, so a test reading its fields does not typecheck).
 */
import type { z } from 'zod';
import type { acknowledge, removeAcknowledgement } from '../../src/tools/actions/ack.js';
import type { bulkAcknowledge } from '../../src/tools/actions/bulk.js';
import type { checksSwitch, notificationsSwitch } from '../../src/tools/actions/checks-switch.js';
import type { recheck } from '../../src/tools/actions/checks.js';
import type { addComment, deleteComment } from '../../src/tools/actions/comments.js';
import type { deleteActiveDowntimes, deleteDowntime } from '../../src/tools/actions/downtime-delete.js';
import type { deleteDowntimesByFilter } from '../../src/tools/actions/downtime-filter.js';
import type { scheduleHostgroupDowntime, scheduleServicegroupDowntime } from '../../src/tools/actions/downtime-groups.js';
import type {
  scheduleDowntime,
  scheduleHostServicesDowntime,
  schedulePropagatedHostDowntime,
} from '../../src/tools/actions/downtime-schedule.js';
import type { submitPassiveResult } from '../../src/tools/actions/passive.js';
import type { hostgroupAvailability, hostgroupAvailabilitySummary } from '../../src/tools/availability/group.js';
import type { hostAvailability, serviceAvailability } from '../../src/tools/availability/single.js';
import type { describeTool } from '../../src/tools/discovery/describe.js';
import type { enableToolset } from '../../src/tools/discovery/toolsets.js';
import type { listComments } from '../../src/tools/downtimes/comments.js';
import type { getDowntime, listDowntimes } from '../../src/tools/downtimes/downtimes.js';
import type { runBackgroundQuery } from '../../src/tools/escape/background.js';
import type { thrukQuery } from '../../src/tools/escape/query.js';
import type { stateDiff } from '../../src/tools/history/diff.js';
import type { listAlerts, listLogs, recentEvents } from '../../src/tools/history/logs.js';
import type { listNotifications } from '../../src/tools/history/notifications.js';
import type { stateAt } from '../../src/tools/history/snapshot.js';
import type { notificationSummary } from '../../src/tools/history/summary.js';
import type { incidentTimeline } from '../../src/tools/history/timeline.js';
import type { hygiene } from '../../src/tools/hygiene/hygiene.js';
import type { getPerfdata } from '../../src/tools/perfdata/get.js';
import type { perfdataNearThreshold } from '../../src/tools/perfdata/near.js';
import type { perfdataSnapshot } from '../../src/tools/perfdata/snapshot.js';
import type { getContact, listContacts, listHostgroups, listServicegroups } from '../../src/tools/state/groups.js';
import type { getHost, listHosts } from '../../src/tools/state/hosts.js';
import type { problemCounts, sites, stats, totals } from '../../src/tools/state/overview.js';
import type { problems } from '../../src/tools/state/problems.js';
import type { getService, listServices } from '../../src/tools/state/services.js';
import type { flapSummary } from '../../src/tools/trends/flap-tool.js';
import type { alertHeatmap, notificationHeatmap } from '../../src/tools/trends/heatmap.js';
import type { topNoisyHosts, topNoisyServices } from '../../src/tools/trends/noisy.js';
import type { recurringProblems } from '../../src/tools/trends/recurring.js';
import type { reliabilityReport } from '../../src/tools/trends/reliability.js';
import type { backendHealth } from '../../src/tools/triage/backend-health.js';
import type { brief } from '../../src/tools/triage/brief.js';
import type { concurrentFailures } from '../../src/tools/triage/log-concurrent.js';
import type { rootCause } from '../../src/tools/triage/log-rootcause.js';
import type { unreachableVsDown } from '../../src/tools/triage/log-split.js';
import type { oldestProblems, unackedCritical } from '../../src/tools/triage/problems-age.js';
import type { staleAcks } from '../../src/tools/triage/stale-acks.js';
import type { staleChecks } from '../../src/tools/triage/stale-checks.js';
import type { whyAlerting } from '../../src/tools/triage/why.js';
import type { workerHealth } from '../../src/tools/triage/worker-health.js';

type Out<T> = T extends { readonly output: z.ZodType<infer O> } ? O : never;

export interface ToolOutputs {
  thruk_acknowledge: Out<typeof acknowledge>;
  thruk_add_comment: Out<typeof addComment>;
  thruk_alert_heatmap: Out<typeof alertHeatmap>;
  thruk_backend_health: Out<typeof backendHealth>;
  thruk_brief: Out<typeof brief>;
  thruk_bulk_acknowledge: Out<typeof bulkAcknowledge>;
  thruk_checks: Out<typeof checksSwitch>;
  thruk_concurrent_failures: Out<typeof concurrentFailures>;
  thruk_delete_active_downtimes: Out<typeof deleteActiveDowntimes>;
  thruk_delete_comment: Out<typeof deleteComment>;
  thruk_delete_downtime: Out<typeof deleteDowntime>;
  thruk_delete_downtimes_by_filter: Out<typeof deleteDowntimesByFilter>;
  thruk_describe: Out<typeof describeTool>;
  thruk_enable_toolset: Out<typeof enableToolset>;
  thruk_flap_summary: Out<typeof flapSummary>;
  thruk_get_contact: Out<typeof getContact>;
  thruk_get_downtime: Out<typeof getDowntime>;
  thruk_get_host: Out<typeof getHost>;
  thruk_get_perfdata: Out<typeof getPerfdata>;
  thruk_get_service: Out<typeof getService>;
  thruk_host_availability: Out<typeof hostAvailability>;
  thruk_hostgroup_availability: Out<typeof hostgroupAvailability>;
  thruk_hostgroup_availability_summary: Out<typeof hostgroupAvailabilitySummary>;
  thruk_hygiene: Out<typeof hygiene>;
  thruk_incident_timeline: Out<typeof incidentTimeline>;
  thruk_list_alerts: Out<typeof listAlerts>;
  thruk_list_comments: Out<typeof listComments>;
  thruk_list_contacts: Out<typeof listContacts>;
  thruk_list_downtimes: Out<typeof listDowntimes>;
  thruk_list_hostgroups: Out<typeof listHostgroups>;
  thruk_list_hosts: Out<typeof listHosts>;
  thruk_list_logs: Out<typeof listLogs>;
  thruk_list_notifications: Out<typeof listNotifications>;
  thruk_list_servicegroups: Out<typeof listServicegroups>;
  thruk_list_services: Out<typeof listServices>;
  thruk_notification_heatmap: Out<typeof notificationHeatmap>;
  thruk_notification_summary: Out<typeof notificationSummary>;
  thruk_notifications: Out<typeof notificationsSwitch>;
  thruk_oldest_problems: Out<typeof oldestProblems>;
  thruk_perfdata_near_threshold: Out<typeof perfdataNearThreshold>;
  thruk_perfdata_snapshot: Out<typeof perfdataSnapshot>;
  thruk_problem_counts: Out<typeof problemCounts>;
  thruk_problems: Out<typeof problems>;
  thruk_query: Out<typeof thrukQuery>;
  thruk_recent_events: Out<typeof recentEvents>;
  thruk_recheck: Out<typeof recheck>;
  thruk_recurring_problems: Out<typeof recurringProblems>;
  thruk_reliability_report: Out<typeof reliabilityReport>;
  thruk_remove_acknowledgement: Out<typeof removeAcknowledgement>;
  thruk_root_cause: Out<typeof rootCause>;
  thruk_run_background_query: Out<typeof runBackgroundQuery>;
  thruk_schedule_downtime: Out<typeof scheduleDowntime>;
  thruk_schedule_host_services_downtime: Out<typeof scheduleHostServicesDowntime>;
  thruk_schedule_hostgroup_downtime: Out<typeof scheduleHostgroupDowntime>;
  thruk_schedule_propagated_host_downtime: Out<typeof schedulePropagatedHostDowntime>;
  thruk_schedule_servicegroup_downtime: Out<typeof scheduleServicegroupDowntime>;
  thruk_service_availability: Out<typeof serviceAvailability>;
  thruk_sites: Out<typeof sites>;
  thruk_stale_acks: Out<typeof staleAcks>;
  thruk_stale_checks: Out<typeof staleChecks>;
  thruk_state_at: Out<typeof stateAt>;
  thruk_state_diff: Out<typeof stateDiff>;
  thruk_stats: Out<typeof stats>;
  thruk_submit_passive_result: Out<typeof submitPassiveResult>;
  thruk_top_noisy_hosts: Out<typeof topNoisyHosts>;
  thruk_top_noisy_services: Out<typeof topNoisyServices>;
  thruk_totals: Out<typeof totals>;
  thruk_unacked_critical: Out<typeof unackedCritical>;
  thruk_unreachable_vs_down: Out<typeof unreachableVsDown>;
  thruk_why_alerting: Out<typeof whyAlerting>;
  thruk_worker_health: Out<typeof workerHealth>;
}

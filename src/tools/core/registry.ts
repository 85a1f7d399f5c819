import type { ToolDef } from './define.js';
import { acknowledge, removeAcknowledgement } from '../actions/ack.js';
import { bulkAcknowledge } from '../actions/bulk.js';
import { checksSwitch, notificationsSwitch } from '../actions/checks-switch.js';
import { recheck } from '../actions/checks.js';
import { addComment, deleteComment } from '../actions/comments.js';
import { deleteActiveDowntimes, deleteDowntime } from '../actions/downtime-delete.js';
import { deleteDowntimesByFilter } from '../actions/downtime-filter.js';
import { scheduleHostgroupDowntime, scheduleServicegroupDowntime } from '../actions/downtime-groups.js';
import { scheduleDowntime, scheduleHostServicesDowntime, schedulePropagatedHostDowntime } from '../actions/downtime-schedule.js';
import { submitPassiveResult } from '../actions/passive.js';
import { hostgroupAvailability, hostgroupAvailabilitySummary } from '../availability/group.js';
import { hostAvailability, serviceAvailability } from '../availability/single.js';
import { describeTool } from '../discovery/describe.js';
import { enableToolset } from '../discovery/toolsets.js';
import { listComments } from '../downtimes/comments.js';
import { getDowntime, listDowntimes } from '../downtimes/downtimes.js';
import { runBackgroundQuery } from '../escape/background.js';
import { thrukQuery } from '../escape/query.js';
import { stateDiff } from '../history/diff.js';
import { listAlerts, listLogs, recentEvents } from '../history/logs.js';
import { listNotifications } from '../history/notifications.js';
import { stateAt } from '../history/snapshot.js';
import { notificationSummary } from '../history/summary.js';
import { incidentTimeline } from '../history/timeline.js';
import { hygiene } from '../hygiene/hygiene.js';
import { getPerfdata } from '../perfdata/get.js';
import { perfdataNearThreshold } from '../perfdata/near.js';
import { perfdataSnapshot } from '../perfdata/snapshot.js';
import { getContact, listContacts, listHostgroups, listServicegroups } from '../state/groups.js';
import { getHost, listHosts } from '../state/hosts.js';
import { problemCounts, sites, stats, totals } from '../state/overview.js';
import { problems } from '../state/problems.js';
import { getService, listServices } from '../state/services.js';
import { flapSummary } from '../trends/flap-tool.js';
import { alertHeatmap, notificationHeatmap } from '../trends/heatmap.js';
import { topNoisyHosts, topNoisyServices } from '../trends/noisy.js';
import { recurringProblems } from '../trends/recurring.js';
import { reliabilityReport } from '../trends/reliability.js';
import { backendHealth } from '../triage/backend-health.js';
import { brief } from '../triage/brief.js';
import { concurrentFailures } from '../triage/log-concurrent.js';
import { rootCause } from '../triage/log-rootcause.js';
import { unreachableVsDown } from '../triage/log-split.js';
import { oldestProblems, unackedCritical } from '../triage/problems-age.js';
import { staleAcks } from '../triage/stale-acks.js';
import { staleChecks } from '../triage/stale-checks.js';
import { whyAlerting } from '../triage/why.js';
import { workerHealth } from '../triage/worker-health.js';

export { closest, levenshtein } from '../lib/closest.js';
export {
  DEFAULT_TOOLS,
  ENABLE_TOOL,
  exclusionOf,
  HIDDEN_ALIASES,
  listedTools,
  reachableTools,
  selectionIssues,
  globToRegExp,
  isToolset,
  PSEUDO_TOOLSETS,
  refusalText,
  scopeRefusalText,
  selectTools,
  unknownToolsets,
  type Exclusion,
  type ToolMeta,
} from './selection.js';

/**
 * Every tool, in the order tools/list shows them (stable, so clients can cache prompts): toolset by
 * toolset, state first. A new tool is imported here and placed in its toolset's run.
 */
const ALL_TOOLS: readonly ToolDef[] = [
  // state
  problems,
  listHosts,
  getHost,
  listServices,
  getService,
  listHostgroups,
  listServicegroups,
  totals,
  problemCounts,
  stats,
  sites,
  listContacts,
  getContact,
  // downtimes
  listDowntimes,
  getDowntime,
  listComments,
  // hygiene
  hygiene,
  // history
  listLogs,
  listAlerts,
  listNotifications,
  notificationSummary,
  recentEvents,
  incidentTimeline,
  stateAt,
  stateDiff,
  // triage
  brief,
  oldestProblems,
  unackedCritical,
  staleAcks,
  staleChecks,
  workerHealth,
  backendHealth,
  concurrentFailures,
  rootCause,
  unreachableVsDown,
  whyAlerting,
  // trends
  topNoisyHosts,
  topNoisyServices,
  flapSummary,
  alertHeatmap,
  notificationHeatmap,
  recurringProblems,
  reliabilityReport,
  // availability
  hostAvailability,
  serviceAvailability,
  hostgroupAvailability,
  hostgroupAvailabilitySummary,
  // perfdata
  getPerfdata,
  perfdataSnapshot,
  perfdataNearThreshold,
  // discovery
  enableToolset,
  describeTool,
  // actions
  scheduleDowntime,
  scheduleHostServicesDowntime,
  schedulePropagatedHostDowntime,
  scheduleHostgroupDowntime,
  scheduleServicegroupDowntime,
  deleteDowntime,
  deleteActiveDowntimes,
  deleteDowntimesByFilter,
  acknowledge,
  removeAcknowledgement,
  bulkAcknowledge,
  recheck,
  checksSwitch,
  notificationsSwitch,
  addComment,
  deleteComment,
  submitPassiveResult,
  // escape
  thrukQuery,
  runBackgroundQuery,
];

export function allTools(): readonly ToolDef[] {
  return ALL_TOOLS;
}

import type { ToolDef } from '../core/define.js';
import { deleteActiveDowntimes, deleteDowntime } from './downtime-delete.js';
import { deleteDowntimesByFilter } from './downtime-filter.js';
import { scheduleHostgroupDowntime, scheduleServicegroupDowntime } from './downtime-groups.js';
import { scheduleDowntime, scheduleHostServicesDowntime, schedulePropagatedHostDowntime } from './downtime-schedule.js';

/** The downtime writes, in the anchor's order: schedule (one object, a host's services, a host tree, groups), then delete. */
export const downtimeActionTools: readonly ToolDef[] = [
  scheduleDowntime,
  scheduleHostServicesDowntime,
  schedulePropagatedHostDowntime,
  scheduleHostgroupDowntime,
  scheduleServicegroupDowntime,
  deleteDowntime,
  deleteActiveDowntimes,
  deleteDowntimesByFilter,
];

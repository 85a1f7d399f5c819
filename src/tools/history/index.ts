import type { ToolDef } from '../core/define.js';
import { stateDiff } from './diff.js';
import { listAlerts, listLogs, recentEvents } from './logs.js';
import { listNotifications } from './notifications.js';
import { stateAt } from './snapshot.js';
import { notificationSummary } from './summary.js';
import { incidentTimeline } from './timeline.js';

export const historyTools: readonly ToolDef[] = [listLogs, listAlerts, listNotifications, notificationSummary, recentEvents, incidentTimeline, stateAt, stateDiff];

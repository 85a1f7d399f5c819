import type { ToolDef } from '../core/define.js';
import { backendHealth } from './backend-health.js';
import { oldestProblems, unackedCritical } from './problems-age.js';
import { staleAcks } from './stale-acks.js';
import { staleChecks } from './stale-checks.js';
import { workerHealth } from './worker-health.js';

export const liveTriageTools: readonly ToolDef[] = [oldestProblems, unackedCritical, staleAcks, staleChecks, workerHealth, backendHealth];

import type { ToolDef } from '../core/define.js';
import { flapSummary } from './flap-tool.js';
import { alertHeatmap, notificationHeatmap } from './heatmap.js';
import { topNoisyHosts, topNoisyServices } from './noisy.js';
import { recurringProblems } from './recurring.js';
import { reliabilityReport } from './reliability.js';

export const trendsTools: readonly ToolDef[] = [
  topNoisyHosts,
  topNoisyServices,
  flapSummary,
  alertHeatmap,
  notificationHeatmap,
  recurringProblems,
  reliabilityReport,
];

import type { ToolDef } from '../core/define.js';
import { brief } from './brief.js';
import { logTriageTools } from './logbased.js';
import { liveTriageTools } from './live.js';
import { whyAlerting } from './why.js';

export const triageTools: readonly ToolDef[] = [brief, ...liveTriageTools, ...logTriageTools, whyAlerting];

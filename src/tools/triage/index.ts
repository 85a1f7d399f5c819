import type { ToolDef } from '../define.js';
import { logTriageTools } from './logbased.js';
import { liveTriageTools } from './live.js';
import { whyAlerting } from './why.js';

export const triageTools: readonly ToolDef[] = [...liveTriageTools, ...logTriageTools, whyAlerting];

import type { ToolDef } from '../define.js';

export const liveTriageTools: readonly ToolDef[] = [];

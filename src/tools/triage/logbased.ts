import type { ToolDef } from '../define.js';

export const logTriageTools: readonly ToolDef[] = [];

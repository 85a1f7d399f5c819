import type { ToolDef } from '../define.js';

export const historyTools: readonly ToolDef[] = [];

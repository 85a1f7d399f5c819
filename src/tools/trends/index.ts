import type { ToolDef } from '../define.js';

export const trendsTools: readonly ToolDef[] = [];

import type { ToolDef } from '../define.js';

export const triageTools: readonly ToolDef[] = [];

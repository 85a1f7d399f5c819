import type { ToolDef } from '../define.js';

export const perfdataTools: readonly ToolDef[] = [];

import type { ToolDef } from '../define.js';

export const downtimesTools: readonly ToolDef[] = [];

import type { ToolDef } from '../define.js';

export const availabilityTools: readonly ToolDef[] = [];

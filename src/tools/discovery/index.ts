import type { ToolDef } from '../define.js';

export const discoveryTools: readonly ToolDef[] = [];

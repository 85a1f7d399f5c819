import type { ToolDef } from '../define.js';
import { describeTool } from './describe.js';

export const discoveryTools: readonly ToolDef[] = [describeTool];

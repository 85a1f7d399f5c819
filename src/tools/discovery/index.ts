import type { ToolDef } from '../core/define.js';
import { describeTool } from './describe.js';
import { enableToolset } from './toolsets.js';

export const discoveryTools: readonly ToolDef[] = [enableToolset, describeTool];

import type { ToolDef } from '../core/define.js';
import { concurrentFailures } from './log-concurrent.js';
import { rootCause } from './log-rootcause.js';
import { unreachableVsDown } from './log-split.js';

export const logTriageTools: readonly ToolDef[] = [concurrentFailures, rootCause, unreachableVsDown];

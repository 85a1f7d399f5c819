import type { ToolDef } from '../core/define.js';
import { bulkAcknowledge } from './bulk.js';
import { checksSwitch, notificationsSwitch } from './checks-switch.js';
import { recheck } from './checks.js';
import { addComment, deleteComment } from './comments.js';
import { submitPassiveResult } from './passive.js';

/** The remaining write tools of the actions toolset; the registry appends them after actionsTools. */
export const moreActionTools: readonly ToolDef[] = [bulkAcknowledge, recheck, checksSwitch, notificationsSwitch, addComment, deleteComment, submitPassiveResult];

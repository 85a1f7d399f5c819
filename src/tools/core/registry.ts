import type { ToolDef } from './define.js';
import { actionsTools } from '../actions/index.js';
import { availabilityTools } from '../availability/index.js';
import { discoveryTools } from '../discovery/index.js';
import { downtimesTools } from '../downtimes/index.js';
import { escapeTools } from '../escape/index.js';
import { historyTools } from '../history/index.js';
import { hygieneTools } from '../hygiene/index.js';
import { perfdataTools } from '../perfdata/index.js';
import { stateTools } from '../state/index.js';
import { trendsTools } from '../trends/index.js';
import { triageTools } from '../triage/index.js';

export { closest, levenshtein } from '../lib/closest.js';
export { DEFAULT_TOOLS, ENABLE_TOOL, exclusionOf, HIDDEN_ALIASES, listedTools, reachableTools, selectionIssues, globToRegExp, isToolset, PSEUDO_TOOLSETS, refusalText, scopeRefusalText, selectTools, unknownToolsets, type Exclusion, type ToolMeta } from './selection.js';

/** Every tool, in the order tools/list shows them (stable, so clients can cache prompts). */
export function allTools(): readonly ToolDef[] {
  return [...stateTools, ...downtimesTools, ...hygieneTools, ...historyTools, ...triageTools, ...trendsTools, ...availabilityTools, ...perfdataTools, ...discoveryTools, ...actionsTools, ...escapeTools];
}

/**
 * The structured filter that filter-aware tools accept: its types, the zod schema shared by every
 * tool (only the field enum differs) and the error the compiler throws.
 *
 * The shape is the Python predecessor's (leaf `{type:"leaf", field, op, value}`, group
 * `{type:"group", operator, conditions}`), so its JSON is accepted verbatim; `type` may be omitted.
 */
import { z } from 'zod';

export const FILTER_OPS = ['eq', 'neq', 'regex', 'nregex', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export type FilterScalar = string | number;
export interface CustomVarValue {
  var: string;
  val: FilterScalar | FilterScalar[];
}
export type FilterValue = string | number | boolean | FilterScalar[] | CustomVarValue;

export interface FilterLeaf {
  type?: 'leaf' | undefined;
  field: string;
  /** Defaults to `eq` (to `regex` for a few free-text fields such as log `message`). */
  op?: FilterOp | undefined;
  value: FilterValue;
}

export interface FilterGroup {
  type?: 'group' | undefined;
  operator: 'and' | 'or';
  conditions: FilterNode[];
}

export type FilterNode = FilterLeaf | FilterGroup;

/** Nested groups allowed below the root (a group of groups of groups of groups). */
export const MAX_FILTER_DEPTH = 4;
export const MAX_FILTER_LEAVES = 50;

/**
 * A filter that cannot be sent to Thruk as asked. The message names the field and value and says
 * what to do instead; it is shown to the model as a tool error.
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

export function isGroup(node: FilterNode): node is FilterGroup {
  return 'conditions' in node;
}

/** Group nesting depth (a lone leaf is 0) and leaf count, without recursing past the limits. */
export function measureFilter(node: FilterNode): { depth: number; leaves: number } {
  let depth = 0;
  let leaves = 0;
  const walk = (n: FilterNode, level: number): void => {
    if (!isGroup(n)) {
      leaves += 1;
      return;
    }
    depth = Math.max(depth, level);
    if (level > MAX_FILTER_DEPTH || leaves > MAX_FILTER_LEAVES) return;
    for (const child of n.conditions) walk(child, level + 1);
  };
  walk(node, 1);
  return { depth, leaves };
}

/** Depth/size problems as a sentence, or undefined when the tree is within the limits. */
export function filterLimitProblem(node: FilterNode): string | undefined {
  const { depth, leaves } = measureFilter(node);
  if (depth > MAX_FILTER_DEPTH) {
    return `filter groups are nested too deeply (max ${MAX_FILTER_DEPTH} levels); flatten nested groups with the same operator`;
  }
  if (leaves > MAX_FILTER_LEAVES) {
    return `filter has more than ${MAX_FILTER_LEAVES} conditions; use op "in" with a list instead of many eq conditions`;
  }
  return undefined;
}

const DESCRIPTION = 'Filter on the fields below.';

/** The grammar in the fewest words a model needs to write a correct filter (published once per tool). */
const GRAMMAR = '{field,op?,value}|{operator:and|or,conditions:[…]}; op eq,neq,regex,nregex,gt,gte,lt,lte,in,not_in.';

/**
 * The published (tools/list) form of the filter argument: one shared, compact definition instead
 * of the recursive JSON Schema (the zod schema still validates every call and names what is wrong).
 * `description` is the tool's own wording of the argument, when it has one.
 */
export function compactFilterSchema(fields: readonly string[], description?: string): { type: 'object'; description: string } {
  const lead = description === undefined || description === DESCRIPTION ? '' : `${description.replace(/\.?$/, '')}. `;
  const custom = fields.some((f) => f.endsWith('custom_var')) ? ' custom_var: {var,val}.' : '';
  return { type: 'object', description: `${lead}${GRAMMAR}${custom} Fields: ${fields.join(', ')}` };
}

/** Zod reports a failed union as a bare "Invalid input"; name the branch's real problem instead. */
function unionMessage(issue: { input?: unknown; errors?: unknown }): string {
  const input = issue.input;
  const branches = Array.isArray(issue.errors) ? (issue.errors as Array<Array<{ message?: string; path?: PropertyKey[] }>>) : [];
  const isGroupLike = typeof input === 'object' && input !== null && ('conditions' in input || 'operator' in input);
  const first = branches[isGroupLike ? 1 : 0]?.[0];
  if (first?.message === undefined) return 'expected a condition {field, op?, value} or a group {operator, conditions}';
  const where = first.path !== undefined && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return `${isGroupLike ? 'group' : 'condition'} ${where}${first.message}`;
}

/**
 * The filter schema for a tool whose allowed logical fields are `fields`. Strict (unknown keys are
 * rejected), recursive through one `$defs` entry in JSON Schema, limited in depth and size.
 */
export function filterSchema(fields: readonly string[]): z.ZodType<FilterNode> {
  if (fields.length === 0) throw new Error('filterSchema needs at least one field');
  const scalar = z.union([z.string(), z.number()]);
  const leaf = z.strictObject({
    type: z.literal('leaf').optional(),
    field: z.enum(fields as [string, ...string[]]),
    op: z.enum(FILTER_OPS).optional(),
    value: z.union(
      [
        z.union([z.string(), z.number(), z.boolean()]),
        z.array(scalar),
        z.strictObject({ var: z.string(), val: z.union([scalar, z.array(scalar)]) }),
      ],
      { error: 'value must be a string, number, boolean, a list (for in/not_in) or {var, val} (custom variables)' },
    ),
  });
  // The limit check sits inside the lazy node so that JSON Schema keeps the whole node as the one
  // $defs entry; it runs per subtree, which the limits keep cheap.
  const node: z.ZodType<FilterNode> = z.lazy(() =>
    z
      .union([leaf, group], { error: (issue) => (issue.code === 'invalid_union' ? unionMessage(issue) : undefined) })
      .superRefine((value, ctx) => {
        const problem = filterLimitProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
  );
  const group = z.strictObject({
    type: z.literal('group').optional(),
    operator: z.enum(['and', 'or']),
    conditions: z.array(node).min(1),
  });
  return node.describe(DESCRIPTION);
}

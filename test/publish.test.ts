import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { filterSchema } from '../src/thruk/filter-schema.js';
import { fullSchemas, toMcpTool } from '../src/tools/core/adapter.js';
import { defineTool } from '../src/tools/core/define.js';
import { leanAnnotations, leanInputSchema } from '../src/tools/core/publish.js';
import { allTools } from '../src/tools/core/registry.js';

type Props = Record<string, { type?: unknown; description?: string; deprecated?: boolean; enum?: unknown[]; default?: unknown }>;

describe('the published (tools/list) form of a record', () => {
  it("offers exactly the record's non-deprecated arguments, with the same required ones", () => {
    for (const t of allTools()) {
      const full = fullSchemas(t).input;
      const fullProps = full.properties as Props;
      const lean = toMcpTool(t).inputSchema;
      const offered = Object.keys(fullProps).filter((k) => fullProps[k]?.deprecated !== true);
      assert.deepEqual(Object.keys(lean.properties as Props), offered, t.name);
      assert.deepEqual(
        lean.required ?? [],
        ((full.required ?? []) as string[]).filter((r) => offered.includes(r)),
        t.name,
      );
    }
  });

  it("states every filter's fields exactly as the record accepts them, in one compact grammar", () => {
    let filters = 0;
    for (const t of allTools()) {
      const filter = (toMcpTool(t).inputSchema.properties as Props).filter;
      if (filter === undefined) continue;
      filters += 1;
      const shape = t.input.shape as Record<string, z.ZodType>;
      const accepted = (field: string) => shape.filter?.safeParse({ field, value: 'x' }).success === true;
      const listed = /Fields: (.*)$/.exec(filter.description ?? '')?.[1]?.split(', ') ?? [];
      assert.ok(listed.length > 0, `${t.name} lists its filter fields`);
      for (const f of listed) assert.ok(accepted(f), `${t.name}: listed field ${f} is accepted`);
      assert.ok(!accepted('no_such_field'), `${t.name}: other fields are refused`);
      assert.equal(filter.type, 'object');
      assert.match(filter.description ?? '', /operator:and\|or,conditions/);
    }
    assert.ok(filters >= 20, `${filters} tools have a filter`);
  });

  it('keeps enums, defaults and useful bounds; drops string checks, sanity bounds and zero defaults', () => {
    const lean = leanInputSchema(
      fullSchemas(
        defineTool({
          name: 'thruk_x',
          title: 'x',
          toolset: 'state',
          access: 'read',
          description: 'a test tool for publishing',
          input: z
            .object({
              limit: z.number().int().min(1).max(1000).default(50),
              offset: z.number().int().min(0).max(10_000_000).default(0),
              mode: z.enum(['a', 'b']).default('a').describe('Mode'),
              name: z.string().min(1).max(200).regex(/^x/).describe('Name'),
              since: z.union([z.string(), z.number()]).describe('Start'),
              flag: z.boolean().default(false).describe('Flag'),
              old: z.number().optional().meta({ deprecated: true }),
              filter: filterSchema(['host', 'custom_var']).optional(),
            })
            .strict(),
          output: z.object({ n: z.number() }),
          run: () => Promise.resolve({ data: { n: 1 }, text: '' }),
        }),
      ).input,
    );
    const p = lean.properties as Props;
    assert.deepEqual(p.limit, { default: 50, type: 'integer', maximum: 1000 });
    assert.deepEqual(p.offset, { type: 'integer' });
    assert.deepEqual(p.mode, { default: 'a', description: 'Mode', enum: ['a', 'b'] });
    assert.deepEqual(p.name, { type: 'string', description: 'Name' });
    assert.deepEqual(p.since, { type: ['string', 'number'], description: 'Start' });
    assert.deepEqual(p.flag, { description: 'Flag', type: 'boolean' });
    assert.equal(p.old, undefined);
    assert.match(p.filter?.description ?? '', /custom_var: \{var,val\}\. Fields: host, custom_var$/);
    assert.equal(lean.additionalProperties, undefined);
  });

  it('states annotations as the spec reads them', () => {
    assert.deepEqual(leanAnnotations({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }), {
      readOnlyHint: true,
      openWorldHint: false,
    });
    assert.deepEqual(leanAnnotations({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false }), {
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: false,
    });
    assert.deepEqual(leanAnnotations({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }), {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
  });
});

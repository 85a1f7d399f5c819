import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokens } from '../bench/lib/util.js';
import { allTools } from '../src/tools/core/registry.js';

/**
 * Issue 15, point 7: clients that load large tool sets find tools through a search step over
 * names and descriptions, so a description leads with the words a person asks with ("noisy",
 * "availability", "stale", "disks"…); and every description is paid for in every tools/list, so
 * they stay short.
 */
const PER_TOOL = 50;
const ALL_DESCRIPTIONS = 1500;

/** The words someone searching for the tool would type, expected among the first words. */
const LEADS: Record<string, RegExp> = {
  thruk_problems: /broken/i,
  thruk_brief: /shift/i,
  thruk_enable_toolset: /more tools/i,
  thruk_top_noisy_hosts: /noisy/i,
  thruk_top_noisy_services: /noisy/i,
  thruk_flap_summary: /flapping/i,
  thruk_recurring_problems: /recurring|chronic/i,
  thruk_reliability_report: /reliability|mttr/i,
  thruk_host_availability: /availability|sla/i,
  thruk_service_availability: /availability|sla/i,
  thruk_hostgroup_availability: /availability|sla/i,
  thruk_hostgroup_availability_summary: /availability|sla/i,
  thruk_perfdata_near_threshold: /disks/i,
  thruk_get_perfdata: /perf data|metrics/i,
  thruk_stale_checks: /stale/i,
  thruk_backend_health: /backend/i,
  thruk_stale_acks: /acknowledg/i,
  thruk_list_alerts: /alerts/i,
  thruk_list_notifications: /notifications/i,
  thruk_alert_heatmap: /heatmap/i,
  thruk_schedule_downtime: /downtime|maintenance/i,
  thruk_acknowledge: /acknowledge/i,
  thruk_recheck: /recheck/i,
  thruk_query: /query/i,
  thruk_describe: /columns/i,
  thruk_root_cause: /outage/i,
};

describe('tool descriptions: searchable and short', () => {
  const tools = allTools();

  it('lead with the words a person would search for', () => {
    for (const [name, re] of Object.entries(LEADS)) {
      const t = tools.find((x) => x.name === name);
      assert.ok(t !== undefined, name);
      const lead = t.description.split(/\s+/).slice(0, 6).join(' ');
      assert.match(lead, re, `${name}: "${lead}…" should lead with ${re}`);
    }
  });

  it(`stay within ${PER_TOOL} tokens each and ${ALL_DESCRIPTIONS} together (o200k)`, () => {
    let sum = 0;
    for (const t of tools) {
      const n = tokens(t.description);
      sum += n;
      assert.ok(n <= PER_TOOL, `${t.name} description is ${n} tokens (≤ ${PER_TOOL}): ${t.description}`);
    }
    assert.ok(sum <= ALL_DESCRIPTIONS, `descriptions total ${sum} tokens (≤ ${ALL_DESCRIPTIONS})`);
  });
});

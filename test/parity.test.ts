/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allTools } from '../src/tools/core/registry.js';
import { connect } from './helpers/harness.js';

/** The Python thruk-mcp 1.x registry (65 tools): every name must exist here, read tools as reads. */
const ANCHOR_READ = [
  'thruk_top_noisy_hosts',
  'thruk_top_noisy_services',
  'thruk_flap_summary',
  'thruk_alert_heatmap',
  'thruk_notification_heatmap',
  'thruk_recurring_problems',
  'thruk_reliability_report',
  'thruk_incident_timeline',
  'thruk_state_at',
  'thruk_state_diff',
  'thruk_list_hosts',
  'thruk_get_host',
  'thruk_list_services',
  'thruk_get_service',
  'thruk_host_availability',
  'thruk_service_availability',
  'thruk_hostgroup_availability',
  'thruk_hostgroup_availability_summary',
  'thruk_list_hostgroups',
  'thruk_list_servicegroups',
  'thruk_list_contacts',
  'thruk_get_contact',
  'thruk_problems',
  'thruk_stats',
  'thruk_totals',
  'thruk_list_downtimes',
  'thruk_list_comments',
  'thruk_sites',
  'thruk_get_downtime',
  'thruk_list_logs',
  'thruk_list_alerts',
  'thruk_list_notifications',
  'thruk_notification_summary',
  'thruk_recent_events',
  'thruk_oldest_problems',
  'thruk_unacked_critical',
  'thruk_stale_acks',
  'thruk_problem_counts',
  'thruk_concurrent_failures',
  'thruk_stale_checks',
  'thruk_worker_health',
  'thruk_root_cause',
  'thruk_unreachable_vs_down',
  'thruk_backend_health',
  'thruk_get_perfdata',
  'thruk_perfdata_snapshot',
  'thruk_perfdata_near_threshold',
];
const ANCHOR_WRITE = [
  'thruk_schedule_downtime',
  'thruk_schedule_host_services_downtime',
  'thruk_schedule_propagated_host_downtime',
  'thruk_schedule_hostgroup_downtime',
  'thruk_schedule_servicegroup_downtime',
  'thruk_delete_downtime',
  'thruk_delete_active_downtimes',
  'thruk_delete_downtimes_by_filter',
  'thruk_acknowledge',
  'thruk_bulk_acknowledge',
  'thruk_add_comment',
  'thruk_delete_comment',
  'thruk_remove_acknowledgement',
  'thruk_recheck',
  'thruk_checks',
  'thruk_notifications',
];
const ANCHOR_ESCAPE = ['thruk_query', 'thruk_run_background_query'];

describe('parity with the Python thruk-mcp', () => {
  const byName = new Map(allTools().map((t) => [t.name, t]));

  it('offers all 65 anchor tools under their names', () => {
    assert.equal(ANCHOR_READ.length + ANCHOR_WRITE.length + ANCHOR_ESCAPE.length, 65);
    const missing = [...ANCHOR_READ, ...ANCHOR_WRITE, ...ANCHOR_ESCAPE].filter((n) => !byName.has(n));
    assert.deepEqual(missing, []);
  });

  it('classes the anchor read tools as reads and its commands as writes', () => {
    for (const n of ANCHOR_READ) assert.equal(byName.get(n)?.access, 'read', n);
    for (const n of ANCHOR_WRITE) assert.notEqual(byName.get(n)?.access, 'read', n);
    assert.notEqual(byName.get('thruk_query')?.access, 'read', 'thruk_query can write, so it is not a read tool (anchor bug §9.9)');
  });

  it('keeps the anchor arguments of the core tools', () => {
    const args = (n: string) => Object.keys(byName.get(n)!.input.shape);
    for (const [tool, expected] of Object.entries({
      thruk_list_hosts: ['filter', 'limit', 'offset', 'sort', 'columns', 'backends'],
      thruk_get_host: ['host', 'backends'],
      thruk_get_service: ['host', 'service', 'backends'],
      thruk_problems: ['filter', 'limit', 'offset', 'columns', 'backends'],
      thruk_list_logs: ['filter', 'since', 'until', 'limit', 'offset', 'sort', 'columns', 'backends'],
      thruk_schedule_downtime: ['host', 'service', 'comment', 'author', 'start_time', 'end_time', 'duration_minutes', 'fixed', 'backends'],
      thruk_acknowledge: ['host', 'service', 'comment', 'author', 'sticky', 'notify', 'persistent', 'backends'],
      thruk_query: ['path', 'method', 'params', 'data', 'backends'],
    })) {
      for (const a of expected) assert.ok(args(tool).includes(a), `${tool} keeps argument ${a}`);
    }
  });
});

describe('audit file sink', () => {
  it('appends one JSON line per write call and preview to THRUK_AUDIT_FILE, without secrets', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'thruk-audit-')), 'audit.jsonl');
    const h = await connect({ config: { auditFile: file, auditLog: false } });
    await h.call('thruk_acknowledge', { host: 'branch-router-01', dry_run: true });
    await h.call('thruk_acknowledge', { host: 'branch-router-01', comment: 'ticket 42' });
    await h.call('thruk_list_hosts', { limit: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const all = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The record before sending (phase intent), then the final record of each call.
    assert.deepEqual(
      all.map((l) => [l.tool, l.outcome]),
      [
        ['thruk_acknowledge', 'preview'],
        ['thruk_acknowledge', 'sending'],
        ['thruk_acknowledge', 'done'],
      ],
    );
    const lines = all.filter((l) => l.phase !== 'intent');
    assert.ok(lines.every((l) => typeof l.time === 'string' && Array.isArray(l.targets)));
    assert.equal(h.logs.filter((l) => l.includes('"audit":true')).length, 0, 'stderr audit off when THRUK_AUDIT_LOG=false');
    assert.ok(!readFileSync(file, 'utf8').includes(h.config.thruk.apiKey === 'demo' ? 'X-Thruk-Auth-Key' : h.config.thruk.apiKey));
    await h.close();
  });
});

/** The compact log line of thruk_list_logs / thruk_list_alerts / thruk_recent_events. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logLine } from '../src/tools/history/list.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const at = (secondsAgo: number) => NOW / 1000 - secondsAgo;

describe('log lines', () => {
  it('dates once per day, ages only when they change, notifications fanned out as "also to"', () => {
    const line = logLine(NOW);
    const rows = [
      {
        time: at(3 * 3600),
        type: 'SERVICE ALERT',
        class: 1,
        host_name: 'web-02',
        service_description: 'load',
        state: 1,
        state_type: 'HARD',
        plugin_output: 'WARNING - load 6',
      },
      {
        time: at(3 * 3600),
        type: 'SERVICE NOTIFICATION',
        class: 3,
        host_name: 'web-02',
        service_description: 'load',
        message: '[1] SERVICE NOTIFICATION: icingaadmin;web-02;load;WARNING;notify-by-email;WARNING - load 6',
      },
      {
        time: at(3 * 3600),
        type: 'SERVICE NOTIFICATION',
        class: 3,
        host_name: 'web-02',
        service_description: 'load',
        message: '[1] SERVICE NOTIFICATION: oncall;web-02;load;WARNING;notify-by-email;WARNING - load 6',
      },
      {
        time: at(3 * 3600 + 60),
        type: 'SERVICE ALERT',
        class: 1,
        host_name: 'web-02',
        service_description: 'load',
        state: 1,
        state_type: 'SOFT',
        plugin_output: 'WARNING - load 6',
      },
      {
        time: at(4 * 3600),
        type: 'SERVICE DOWNTIME ALERT',
        class: 1,
        host_name: 'lb-01',
        service_description: 'vip',
        state_type: 'STARTED',
        message: '[1] SERVICE DOWNTIME ALERT: lb-01;vip;STARTED; Service has entered a period of scheduled downtime',
      },
    ];
    assert.deepEqual(rows.map(line), [
      '2026-11-21:\n09:00:00 (3h ago) | ALERT | web-02/load | WARNING HARD | WARNING - load 6',
      '09:00:00 | NOTIFICATION | web-02/load | WARNING | to icingaadmin via notify-by-email: (same)',
      '09:00:00 | also to oncall',
      '08:59:00 | ALERT | web-02/load | WARNING SOFT | (same)',
      '08:00:00 (4h ago) | DOWNTIME ALERT | lb-01/vip | STARTED | Service has entered a period of scheduled downtime',
    ]);
  });

  it('a notification to another contact with a different output is a full line', () => {
    const line = logLine(NOW);
    const n = (contact: string, output: string) => ({
      time: at(60),
      type: 'HOST NOTIFICATION',
      class: 3,
      host_name: 'db-02',
      message: `[1] HOST NOTIFICATION: ${contact};db-02;DOWN;notify-by-email;${output}`,
    });
    line(n('a', 'PING CRITICAL'));
    assert.equal(
      line(n('b', 'PING CRITICAL - 100%')),
      '11:59:00 | NOTIFICATION | db-02 | DOWN | to b via notify-by-email: PING CRITICAL - 100%',
    );
  });
});

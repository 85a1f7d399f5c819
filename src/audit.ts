import { appendFile } from 'node:fs';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { AuditSink } from './tools/adapter.js';

/**
 * Audit records go to stderr as JSON (through the logger, which also redacts) and, when
 * THRUK_AUDIT_FILE is set, are appended to that file. A failing file never fails the call.
 */
export function createAuditSink(config: Pick<Config, 'auditLog' | 'auditFile'>, log: Logger): AuditSink | undefined {
  if (!config.auditLog && config.auditFile === undefined) return undefined;
  const audit = log.child({ component: 'audit' });
  return (record) => {
    if (config.auditLog) audit.info(record, 'audit');
    if (config.auditFile !== undefined) {
      appendFile(config.auditFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`, (err) => {
        if (err) log.warn({ err: err.message, file: config.auditFile }, 'cannot write the audit file');
      });
    }
  };
}

import { appendFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { Logger } from './log.js';
import type { AuditSink } from '../tools/core/adapter.js';

/**
 * Audit records go to stderr as JSON (through the logger, which also redacts, at info level
 * whatever LOG_LEVEL says) and, when THRUK_AUDIT_FILE is set, are appended to that file. Both are
 * written synchronously, before the answer of the call goes out; a file that cannot be written
 * throws, so the write gate refuses to send what it cannot account for (fail closed).
 */
export function createAuditSink(config: Pick<Config, 'auditLog' | 'auditFile'>, log: Logger): AuditSink | undefined {
  if (!config.auditLog && config.auditFile === undefined) return undefined;
  const audit = log.child({ component: 'audit' }, { level: 'info' });
  return (record) => {
    if (config.auditFile !== undefined) {
      try {
        appendFileSync(config.auditFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`, { mode: 0o600 });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        log.error({ file: config.auditFile, code }, 'cannot write the audit file');
        throw new Error(`cannot append to the audit file ${config.auditFile}${typeof code === 'string' ? ` (${code})` : ''}`);
      }
    }
    if (config.auditLog) audit.info(record, 'audit');
  };
}

import { execFileSync } from 'node:child_process';
import { e2eTools } from './test/helpers/e2e.js';
const t = await e2eTools();
for (const cli of [process.argv[2]!]) {
  try {
    const out = execFileSync(t.node, [t.inspector, '--cli', '--strict', '--method', 'tools/list', '--', process.execPath, cli, '--demo', '--toolsets', 'all'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MCP_AUTO_OPEN_ENABLED: 'false' } });
    console.log('OK', out.length, out.split('\n').filter((l) => /warn/i.test(l)).slice(0, 10));
  } catch (e: any) {
    console.log('code', e.status); console.log(String(e.stderr).slice(0, 2000));
  }
}

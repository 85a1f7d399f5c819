/** deploy/k8s.yaml's memory settings, read the way bench/k8s-memory.ts and the manifest test need them. */
import { parseAllDocuments } from 'yaml';

/** limits.memory and NODE_OPTIONS' --max-old-space-size of the Deployment in deploy/k8s.yaml. */
export function manifestMemory(text: string): { limitMib: number | undefined; heapMib: number | undefined } {
  const deploy = parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, any>)
    .find((d) => d?.kind === 'Deployment');
  const c = deploy?.spec?.template?.spec?.containers?.[0];
  const lim = String(c?.resources?.limits?.memory ?? '');
  const m = /^(\d+)(Mi|Gi)$/.exec(lim);
  const limitMib = m ? Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1) : undefined;
  const opts = (c?.env as Array<{ name: string; value?: string }> | undefined)?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const h = /--max-old-space-size=(\d+)/.exec(opts);
  return { limitMib, heapMib: h ? Number(h[1]) : undefined };
}

/**
 * Collects unhandled promise rejections while a suite runs, so a test can attribute one to the call
 * that left it behind. A rejection surfaces only once the microtask queue drains, so `settle()`
 * waits a few macrotask turns before a check.
 */
export interface RejectionTracker {
  /** Every unhandled rejection seen so far, as `Name: message` (the first stack frame appended). */
  readonly seen: string[];
  /** Resolves after pending rejections had a chance to surface. */
  settle(): Promise<void>;
  stop(): void;
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const frame =
      reason.stack
        ?.split('\n')
        .find((l) => l.trim().startsWith('at '))
        ?.trim() ?? '';
    return `${reason.name}: ${reason.message}${frame === '' ? '' : ` (${frame})`}`;
  }
  return String(reason);
}

export function trackRejections(): RejectionTracker {
  const seen: string[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(describe(reason));
  };
  process.on('unhandledRejection', onRejection);
  return {
    seen,
    settle: async () => {
      for (let i = 0; i < 3; i++) await new Promise<void>((res) => setImmediate(res));
    },
    stop: () => {
      process.off('unhandledRejection', onRejection);
    },
  };
}

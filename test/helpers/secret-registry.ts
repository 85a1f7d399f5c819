/**
 * The secrets the suite-wide guard (secret-guard.ts) looks for, shared through a global so a
 * helper can register a value whether or not the guard was preloaded (then it is a no-op store).
 */
export interface GuardState {
  /** Literal secret values configured by the rigs (keys, tokens, JWTs, passwords). */
  readonly secrets: Set<string>;
  readonly leaks: string[];
  scanned: number;
  /** Set once the taps are in place (the guard may be both preloaded and imported). */
  installed: boolean;
}

const KEY = Symbol.for('thruk-mcp.test.secret-guard');

export function guardState(): GuardState {
  const g = globalThis as { [KEY]?: GuardState };
  g[KEY] ??= { secrets: new Set(), leaks: [], scanned: 0, installed: false };
  return g[KEY];
}

/**
 * Marks a configured value as a secret for the rest of this process. Short or generic values
 * ('demo', the simulator's key) would match everywhere and prove nothing, so they are skipped.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 8 || value === 'demo') return;
  guardState().secrets.add(value);
}

/** Whether the guard's taps are installed in this process. */
export function guardActive(): boolean {
  return guardState().installed;
}

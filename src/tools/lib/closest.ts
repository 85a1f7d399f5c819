/** Near-name suggestions for "did you mean …?" hints. */

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');

/** `short` written the way people shorten `long`: a prefix ("dist" of "distribution") or its letters in order from the first ("db" of "database"). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  if (long.startsWith(short)) return true;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/**
 * How much of `name`'s words `cand` carries (0..1): a shared word counts fully, an abbreviation or
 * a shared substring of 3+ letters most of the way. "db-servers" shares "servers" with both
 * "web-servers" and "database-servers", but only the second also spells out "db".
 */
export function wordCoverage(name: string, cand: string, ignore: ReadonlySet<string> = new Set()): { coverage: number; strong: boolean } {
  const a = words(name).filter((w) => !ignore.has(w));
  const b = words(cand);
  if (a.length === 0) return { coverage: 0, strong: false };
  let got = 0;
  let strong = false;
  for (const w of a) {
    let best = 0;
    for (const x of b) {
      if (w === x) best = 1;
      else if (abbreviates(w, x) || abbreviates(x, w)) best = Math.max(best, 0.8);
      else if (Math.min(w.length, x.length) >= 3 && (x.includes(w) || w.includes(x))) best = Math.max(best, 0.7);
    }
    if (best >= 0.7 && w.length >= 3) strong = true;
    got += best;
  }
  return { coverage: got / a.length, strong };
}

/**
 * The candidates nearest to `name`, at most `n`: a name containing it (or contained in it) first,
 * then by the share of its words the candidate carries (shared words, abbreviations, substrings),
 * then by edit distance. Edit distance alone proposes web-servers for db-servers (2 edits) over
 * database-servers (6 edits).
 */
export function closest(name: string, candidates: readonly string[], n: number): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const multi = words(name).length >= 2;
  // A word every candidate has ("thruk" of thruk_*) tells them apart no better than none.
  const common =
    candidates.length > 1
      ? new Set(words(candidates[0] ?? '').filter((w) => candidates.every((c) => words(c).includes(w))))
      : new Set<string>();
  const scored = candidates.flatMap((c) => {
    const cl = c.toLowerCase();
    if (cl.includes(lower) || lower.includes(cl)) return [{ c, d: Math.abs(cl.length - lower.length) / 1000 }];
    const lev = levenshtein(lower, cl);
    // One word ("hostz", "web1") is a typo: edit distance says it best. Several words can be
    // reordered or shortened ("router-branch-01", "db-servers"): their share decides first.
    if (multi) {
      const { coverage, strong } = wordCoverage(name, c, common);
      // Near in spelling, or carrying most of the words with at least one real word (not only "01").
      if (lev > limit && !(strong && coverage >= 0.5)) return [];
      return [{ c, d: 1 + (1 - coverage) * 10 + lev / Math.max(cl.length, lower.length, 1) }];
    }
    return lev > limit ? [] : [{ c, d: lev }];
  });
  return scored
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((s) => s.c);
}

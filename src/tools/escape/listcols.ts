/**
 * `=` on a list column (groups, contacts, parents…) is true in Thruk only when the list has
 * exactly one element equal to the value (thruk-rest-reference §2.5): `host_groups=linux-servers`
 * silently returns the hosts whose ONLY group it is. Membership is `>=` (and `!>=` for "not a
 * member"). The raw query tools rewrite such filters and say so.
 */
/** List-valued columns, as seen in the recorded hosts/services/groups/contacts rows of Naemon and Icinga 2. */
const HOST_LISTS = [
  'childs',
  'comments',
  'comments_with_info',
  'comments_with_extra_info',
  'contact_groups',
  'contacts',
  'custom_variable_names',
  'custom_variable_values',
  'downtimes',
  'downtimes_with_info',
  'downtimes_with_extra_info',
  'groups',
  'modified_attributes_list',
  'parents',
  'perf_data_expanded',
  'services',
  'services_with_info',
  'services_with_state',
] as const;
const SERVICE_OWN_LISTS = [
  'comments',
  'comments_with_info',
  'comments_with_extra_info',
  'contact_groups',
  'contacts',
  'custom_variable_names',
  'custom_variable_values',
  'downtimes',
  'downtimes_with_info',
  'downtimes_with_extra_info',
  'groups',
  'modified_attributes_list',
  'parents',
  'perf_data_expanded',
] as const;

export const LIST_COLUMNS: Readonly<Record<string, ReadonlySet<string>>> = {
  hosts: new Set(HOST_LISTS),
  services: new Set([...SERVICE_OWN_LISTS, ...HOST_LISTS.map((c) => `host_${c}`)]),
  hostgroups: new Set(['members', 'members_with_state']),
  servicegroups: new Set(['members', 'members_with_state']),
  contactgroups: new Set(['members']),
  contacts: new Set([
    'groups',
    'custom_variable_names',
    'custom_variable_values',
    'host_notification_commands',
    'service_notification_commands',
    'modified_attributes_list',
  ]),
};

/** The table whose rows a path returns, for the row endpoints that have list columns. */
export function tableOfPath(segments: readonly string[]): string | undefined {
  const [first, second, third] = segments;
  if (first === 'hosts') {
    if (second === undefined || second === 'totals' || second === 'stats') return 'hosts';
    if (third === 'services') return 'services';
    return segments.length === 2 ? 'hosts' : undefined;
  }
  if (first === 'services') return segments.length <= 3 || second === 'totals' || second === 'stats' ? 'services' : undefined;
  if (first === 'hostgroups' || first === 'servicegroups' || first === 'contactgroups' || first === 'contacts')
    return segments.length <= 2 ? first : undefined;
  return undefined;
}

/** Word form of each symbolic bracket operator (Thruk's own op_translation_words, reversed). */
const WORD_OP: Readonly<Record<string, string>> = {
  '=': 'eq',
  '!=': 'ne',
  '~~': 'regex',
  '!~~': 'nregex',
  '~': 'regex',
  '!~': 'nregex',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '!>=': 'notin',
};

/**
 * `col[~~]=x` → `col[regex]=x` and so on. Thruk 3.20's request parser silently drops a parameter
 * whose key holds `~ ! = < >` (Thruk::Request::_decode_parameters), so `name[~]=^web` answers every
 * row (real fixture hosts_name_tilde_filter_ignored.json). `~`/`!~` have no case-sensitive word
 * form; they become the case-insensitive regex/nregex, and the note says so.
 */
export function wordOperators(query: ReadonlyArray<readonly [string, string]>): ListRewrite {
  const changed: string[] = [];
  let caseNote = false;
  const out = query.map(([k, v]): [string, string] => {
    const m = /^(.+)\[([^\]]*)\]$/.exec(k);
    const word = m === null ? undefined : WORD_OP[m[2] ?? ''];
    if (m === null || word === undefined) return [k, v];
    const key = `${m[1] ?? ''}[${word}]`;
    changed.push(`${k} → ${key}`);
    if (m[2] === '~' || m[2] === '!~') caseNote = true;
    return [key, v];
  });
  if (changed.length === 0) return { query: out, notes: [] };
  const why = 'Thruk ignores a filter parameter whose key holds ~ ! = < > and would have answered unfiltered rows';
  const ci = caseNote ? ' Thruk has no case-sensitive regex filter: [regex] matches regardless of case.' : '';
  return { query: out, notes: [`Rewritten ${changed.join('; ')}: ${why}.${ci}`] };
}

const EQ = new Set(['', '=', 'eq']);
const NE = new Set(['!=', 'ne']);

export interface ListRewrite {
  readonly query: Array<[string, string]>;
  readonly notes: string[];
}

/**
 * `groups=x` / `groups[eq]=x` → `groups[gte]=x`; `groups[ne]=x` → `groups[notin]=x`; the same inside
 * `q` (as `>=`/`!>=`). Brackets get the word forms: Thruk 3.20 silently drops a parameter whose key
 * holds `>`, `=` or `!` (Thruk::Request::_decode_parameters), so `groups[>=]` would filter nothing.
 */
export function rewriteListEquality(segments: readonly string[], given: ReadonlyArray<readonly [string, string]>): ListRewrite {
  const words = wordOperators(given);
  const query = words.query;
  const table = tableOfPath(segments);
  const lists = table === undefined ? undefined : LIST_COLUMNS[table];
  if (lists === undefined) return words;
  const changed: string[] = [];
  const out = query.map(([k, v]): [string, string] => {
    if (k === 'q') {
      const r = rewriteQ(v, lists);
      changed.push(...r.changed);
      return [k, r.q];
    }
    const m = /^([A-Za-z0-9_]+)(?:\[([^\]]*)\])?$/.exec(k);
    const col = m?.[1] ?? '';
    const op = (m?.[2] ?? '').toLowerCase();
    // `groups=` (empty) asks for an empty list, which `=` answers right.
    if (!lists.has(col) || v === '') return [k, v];
    if (EQ.has(op)) {
      changed.push(`${k}=${v} → ${col}[gte]=${v}`);
      return [`${col}[gte]`, v];
    }
    if (NE.has(op)) {
      changed.push(`${k}=${v} → ${col}[notin]=${v}`);
      return [`${col}[notin]`, v];
    }
    return [k, v];
  });
  const notes =
    changed.length === 0
      ? [...words.notes]
      : [
          ...words.notes,
          `Rewritten ${changed.join('; ')}: on a list column Thruk's = matches only a list with exactly that one element, so membership (>=; not a member: !>=) was asked instead.`,
        ];
  return { query: out, notes };
}

/** The same rewrite in a `q` expression, outside quoted values. */
function rewriteQ(q: string, lists: ReadonlySet<string>): { q: string; changed: string[] } {
  const changed: string[] = [];
  let out = '';
  let i = 0;
  while (i < q.length) {
    const ch = q[i] ?? '';
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < q.length && q[j] !== ch) j += q[j] === '\\' ? 2 : 1;
      out += q.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\s*)(!=|=)(?![~=])(\s*)(['"]?)/.exec(q.slice(i));
    const prev = i === 0 ? ' ' : (q[i - 1] ?? ' ');
    if (m !== null && /[\s(]/.test(prev)) {
      const [all, col = '', s1 = '', op = '', s2 = '', quote = ''] = m;
      const empty = quote !== '' && q[i + all.length] === quote;
      if (lists.has(col) && !empty) {
        const to = op === '=' ? '>=' : '!>=';
        changed.push(`q ${col} ${op} … → ${col} ${to} …`);
        out += `${col}${s1}${to}${s2}${quote}`;
        i += all.length;
        continue;
      }
      out += col;
      i += col.length;
      continue;
    }
    out += ch;
    i++;
  }
  return { q: out, changed };
}

/**
 * What to do about a hygiene finding: the write tool and the arguments that would do it. Pure, so
 * the tests can check every suggestion against the write tool's own input schema.
 */
export interface NextCall {
  readonly tool: string;
  readonly args: Record<string, string | number | boolean>;
}

export interface ObjectRef {
  readonly host: string;
  readonly service: string | null;
  /** Set when the answer spans several backends, so the write reaches the right one. */
  readonly backend?: string | undefined;
}

const target = (o: ObjectRef): Record<string, string> => ({
  host: o.host,
  ...(o.service !== null ? { service: o.service } : {}),
  ...(o.backend !== undefined ? { backends: o.backend } : {}),
});

// The write tools cap comments at 1000 characters; keep suggestions well inside.
const comment = (s: string): string => (s.length > 200 ? `${s.slice(0, 199)}…` : s);

/** A downtime that is about to end on an object that still fails: extend it from its end. */
export function extendDowntime(o: ObjectRef, endEpoch: number, oldComment: string): NextCall {
  return {
    tool: 'thruk_schedule_downtime',
    args: {
      ...target(o),
      start_time: new Date(endEpoch * 1000).toISOString().replace('.000Z', 'Z'),
      duration_minutes: 120,
      comment: comment(`extends: ${oldComment}`),
    },
  };
}

export function acknowledge(o: ObjectRef, why: string): NextCall {
  return { tool: 'thruk_acknowledge', args: { ...target(o), comment: comment(why) } };
}

export function removeAck(o: ObjectRef): NextCall {
  return { tool: 'thruk_remove_acknowledgement', args: target(o) };
}

export function deleteDowntime(o: ObjectRef, id: number): NextCall {
  const { backends, ...rest } = target(o);
  return { tool: 'thruk_delete_downtime', args: { downtime_id: id, ...rest, ...(backends !== undefined ? { backends } : {}) } };
}

export function deleteComment(o: ObjectRef, id: number): NextCall {
  const { backends, ...rest } = target(o);
  return { tool: 'thruk_delete_comment', args: { comment_id: id, ...rest, ...(backends !== undefined ? { backends } : {}) } };
}

/** `thruk_x {"host":"web-01",…}`: the call as a model would write it. */
export function callText(c: NextCall): string {
  return `${c.tool} ${JSON.stringify(c.args)}`;
}

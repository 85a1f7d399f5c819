import { z } from 'zod';

/**
 * A time argument: one JSON type (string) in the published schema, since `type: ["string",
 * "number"]` makes the Inspector's strict mode warn and some clients reject the tool. Epoch
 * seconds still work as a number (the Python server's callers send them) or inside a string;
 * a number is turned into its string here, milliseconds into seconds as parseTime does.
 */
export const timeString = (max = 100) =>
  z.preprocess(
    (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? String(Math.floor(v > 1e12 ? v / 1000 : v)) : v),
    z.string().min(1).max(max),
  );

/** Encodings the real service uses on the wire (proto3 JSON). */

/** RFC 3339 in UTC with `Z` and microseconds, as real Firestore timestamps are. */
export function timestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, -1)}000Z`;
}

/** Accepts any RFC 3339 timestamp (offsets, 0-9 fractional digits); returns epoch ms or undefined. */
export function parseTimestamp(value: string): { ms: number; nanos: number } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value);
  if (!match) return undefined;
  const [, date, time, fraction = "", zone] = match;
  const seconds = Date.parse(`${date}T${time}${zone === "z" ? "Z" : zone}`);
  if (Number.isNaN(seconds)) return undefined;
  const nanos = Number(fraction.padEnd(9, "0"));
  return { ms: seconds + Math.floor(nanos / 1e6), nanos };
}

/** int64 values travel as decimal strings; proto3 JSON omits zero-valued scalars. */
export function progress(estimated: number, completed: number): Record<string, string> {
  const out: Record<string, string> = {};
  // Whole numbers before the zero test: 0.3 documents is sent as nothing, not "0". Work done is floored, as the
  // store applies it (distribute in operation.ts), so what an import reports equals what it wrote.
  const est = Math.round(estimated);
  const done = Math.floor(completed);
  if (est) out.estimatedWork = String(est);
  if (done) out.completedWork = String(done);
  return out;
}

/** The generated child prefix for a bucket-only output URI: `YYYY-MM-DDTHH:MM:SS_NNNNN`. */
export function generatedExportFolder(startMs: number, suffix: number): string {
  return `${new Date(startMs).toISOString().slice(0, 19)}_${String(suffix).padStart(5, "0")}`;
}

export const OPERATION_STATES = [
  "OPERATION_STATE_UNSPECIFIED",
  "INITIALIZING",
  "PROCESSING",
  "CANCELLING",
  "FINALIZING",
  "SUCCESSFUL",
  "FAILED",
  "CANCELLED",
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

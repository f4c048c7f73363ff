import { InvalidInputError } from "./errors";
import { quote } from "./text";

/** Durations in hours, minutes and seconds, as Go's time.ParseDuration writes them: "90s", "20m", "1h30m". */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** The longest duration parseDuration accepts: a week, longer than any operation is waited for. */
const LONGEST_DURATION_HOURS = 168;
/** LONGEST_DURATION_HOURS as a duration is written: what usage texts and defaults show. */
export const LONGEST_DURATION = `${LONGEST_DURATION_HOURS}h`;

export function parseDuration(text: string, field: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "") {
    throw new InvalidInputError(field, `must be a duration such as "90s", "20m" or "1h30m", got ${quote(text)}`);
  }
  const [, h = "0", m = "0", s = "0"] = match;
  const ms = (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  if (ms <= 0) throw new InvalidInputError(field, `must be longer than zero, got ${quote(text)}`);
  if (ms > LONGEST_DURATION_HOURS * 3600 * 1000) {
    throw new InvalidInputError(
      field,
      `must be at most ${LONGEST_DURATION} (${LONGEST_DURATION_HOURS / 24} days), got ${quote(text)}`,
    );
  }
  return ms;
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || total === 0 ? `${s}s` : ""}`;
}

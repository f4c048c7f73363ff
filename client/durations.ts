import { InvalidInputError } from "./errors";
import { quote } from "./text";

/** Durations as Pulumi's customTimeouts write them: "90s", "20m", "1h30m". */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export function parseDuration(text: string, field: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "") {
    throw new InvalidInputError(field, `must be a duration such as "90s", "20m" or "1h30m", got ${quote(text)}`);
  }
  const [, h = "0", m = "0", s = "0"] = match;
  const ms = (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  if (ms <= 0) throw new InvalidInputError(field, `must be longer than zero, got ${quote(text)}`);
  if (ms > 7 * 24 * 3600 * 1000)
    throw new InvalidInputError(field, `must be at most 168h (7 days), got ${quote(text)}`);
  return ms;
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s || total === 0 ? `${s}s` : ""}`;
}

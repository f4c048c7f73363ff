import type { Deadline } from "./deadline";

/** The most a start request leaves for the lookup after it: two list rounds and the pauses between them. */
const LOOKUP_RESERVE_MS = 30_000;

/**
 * The part of a start's deadline the start request may use. A start request that gets no answer may have
 * started an operation, which only the lookup after it can find; a start request that used the whole deadline
 * would leave nothing for that lookup. So it keeps half of what remains, at most LOOKUP_RESERVE_MS, for it.
 */
export function startDeadline(start: Deadline): Deadline {
  return start.keeping(
    Math.min(start.remaining() / 2, LOOKUP_RESERVE_MS),
    "to look for the operation it may have started",
  );
}

import { deadlineOf } from "./deadline";
import { formatDuration } from "./durations";

/**
 * The longest wait a server may ask for when no deadline bounds the request (a caller's own signal, or
 * `firestore-ops watch` without `--timeout`): a broken or hostile server must not park us for days.
 */
export const MAX_HINTED_WAIT_MS = 60 * 60_000;

/** A delay a server asked for before the next try, and how it said so (for messages). */
export interface RetryHint {
  /** Never negative: "retry now" (0, a negative number, a date in the past) is 0. */
  ms: number;
  /** `Retry-After: 0`, `RetryInfo retryDelay "0s"`. */
  said: string;
}

/** Retry-After as seconds or an HTTP date (RFC 9110), uncapped: the ceiling is the caller's deadline. */
export function retryAfterHint(header: string | null, now = Date.now()): RetryHint | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return { ms: Math.max(0, ms), said: `Retry-After: ${header.trim().slice(0, 40)}` };
}

/** The `retryDelay` of a google.rpc.RetryInfo detail (a proto3 JSON Duration, "12s" or "1.500s"). */
export function retryInfoHint(details: unknown): RetryHint | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (typeof detail !== "object" || detail === null) continue;
    const { "@type": type, retryDelay } = detail as { "@type"?: unknown; retryDelay?: unknown };
    if (type !== "type.googleapis.com/google.rpc.RetryInfo" || typeof retryDelay !== "string") continue;
    const match = /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(retryDelay);
    if (!match) continue;
    const ms = Number(match[2]) * 1000 + Math.floor(Number(`0.${match[3] ?? "0"}`) * 1000);
    return { ms: match[1] ? 0 : ms, said: `RetryInfo retryDelay "${retryDelay}"` };
  }
  return undefined;
}

/** Of several hints for one answer (Google sends RetryInfo, some proxies Retry-After), the longest. */
export function longestHint(...hints: (RetryHint | undefined)[]): RetryHint | undefined {
  let longest: RetryHint | undefined;
  for (const hint of hints) if (hint && (!longest || hint.ms > longest.ms)) longest = hint;
  return longest;
}

/** When the next try is due, or why there is none. */
export type RetryWait = { waitMs: number; beyond?: undefined } | { waitMs?: undefined; beyond: string };

/**
 * The one rule for every wait a server hints at (Retry-After, RetryInfo, a quota refusal): never shorter than
 * our own backoff's next delay (`floorMs`), since "retry now" answered at once is a request storm; and never
 * past the deadline of the request's `signal` (or `patience`, if shorter, or MAX_HINTED_WAIT_MS without
 * either): a wait the deadline cannot hold fails at once, with `beyond` saying what the server asked and what
 * the deadline allows, instead of sleeping into the deadline or being cut short and trying anyway.
 */
export function hintedWait(
  hint: RetryHint,
  floorMs: number,
  signal: AbortSignal | undefined,
  patience?: { ms: number; what: string },
): RetryWait {
  const waitMs = Math.max(hint.ms, floorMs);
  const deadline = signal ? deadlineOf(signal) : undefined;
  const limits = [
    ...(deadline && Number.isFinite(deadline.timeoutMs)
      ? [
          {
            ms: deadline.remaining(),
            what: `the ${formatDuration(deadline.remaining())} left of ${deadline.describe()}`,
          },
        ]
      : []),
    ...(patience ? [{ ms: patience.ms, what: `the ${formatDuration(patience.ms)} left of ${patience.what}` }] : []),
  ];
  const limit = limits.reduce((a, b) => (b.ms < a.ms ? b : a), {
    ms: MAX_HINTED_WAIT_MS,
    what: `the longest this client waits for a retry without a deadline (${formatDuration(MAX_HINTED_WAIT_MS)})`,
  });
  if (waitMs < limit.ms) return { waitMs };
  return { beyond: `${describeWait(hint, waitMs)}, more than ${limit.what}` };
}

/** "the server asked to retry at once (Retry-After: 0); the next try would be in 8s (our own backoff)". */
export function describeWait(hint: RetryHint | undefined, waitMs: number): string {
  if (!hint) return `the next try would be in ${formatDuration(waitMs)} (our own backoff)`;
  const asked = hint.ms === 0 ? "to retry at once" : `to wait ${formatDuration(hint.ms)}`;
  const ours = waitMs > hint.ms ? `; the next try would be in ${formatDuration(waitMs)} (our own backoff)` : "";
  return `the server asked ${asked} (${hint.said})${ours}`;
}

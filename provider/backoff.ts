/** Backoff as data (gax's BackoffSettings shape), so schedules are easy to read, test and benchmark. */
export interface Backoff {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], so many resources do not poll in step. */
  jitter: number;
}

/**
 * Polling an operation's state: fast at first (a cancel often lands within a second), then capped low enough
 * that the end of a long wait is noticed within about a second.
 */
export const POLL_BACKOFF: Backoff = { initialDelayMs: 100, multiplier: 1.4, maxDelayMs: 1_000, jitter: 0.2 };

/** Retrying a transient request failure (429, 5xx, reset): slower, since the server asked us to back off. */
export const RETRY_BACKOFF: Backoff = { initialDelayMs: 500, multiplier: 2, maxDelayMs: 16_000, jitter: 0.5 };

export function delayFor(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** attempt);
  const factor = 1 + backoff.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * factor));
}

/** Retry-After as seconds or an HTTP date; capped, since a hostile or broken server must not park us for days. */
export function retryAfterMs(header: string | null, now = Date.now(), capMs = 60_000): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(capMs, Math.max(0, ms));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

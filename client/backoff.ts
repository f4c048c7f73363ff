/** Backoff as data (gax's BackoffSettings shape), so schedules are easy to read, test and benchmark. */
export interface Backoff {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], so many resources do not poll in step. */
  jitter: number;
}

/**
 * Polling an operation's state, by how long we have been waiting. A short ramp (a cancel often lands within a
 * second), then a steady cadence for the first minute, in which most cancels land and in which we want to
 * notice the end within about a quarter of a second; after that the delay grows with the wait, so an hour-long
 * export or a slow cancel costs a few requests a minute instead of a few a second.
 */
export interface PollSchedule {
  initialDelayMs: number;
  multiplier: number;
  /** The ramp's cap, held until `steadyForMs` of waiting. */
  steadyDelayMs: number;
  steadyForMs: number;
  /** After `steadyForMs`, each delay adds this fraction of the time waited beyond it. */
  growth: number;
  maxDelayMs: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], so many resources do not poll in step. */
  jitter: number;
}

/**
 * 400 ms steady: the expected lag is half a delay plus a request and its handling (about 35 ms measured), so
 * about 235 ms, under the 250 ms goal (450 ms measured 261 ms). The ramp's ×1.3 (×1.4 polled at 710 ms, 210 ms
 * after a cancel that lands in half a second) polls at 100, 230, 399, 619 ms, as many GETs in the first second.
 * Delays 100, 130, 169, 220, 286, 371, then 400 ms to 60 s; 3.4 s at 90 s, 12.4 s at 3 min, 30 s (the cap) from
 * about 6 min on. bench/RESULTS.md (cancel-lag) measures it against Google's client.
 */
export const POLL_SCHEDULE: PollSchedule = {
  initialDelayMs: 100,
  multiplier: 1.3,
  steadyDelayMs: 400,
  steadyForMs: 60_000,
  growth: 0.1,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

export function pollDelay(
  schedule: PollSchedule,
  attempt: number,
  elapsedMs: number,
  random: () => number = Math.random,
): number {
  const ramp = Math.min(schedule.steadyDelayMs, schedule.initialDelayMs * schedule.multiplier ** attempt);
  const patience = schedule.growth * Math.max(0, elapsedMs - schedule.steadyForMs);
  return jittered(Math.min(schedule.maxDelayMs, ramp + patience), schedule.jitter, random);
}

/** Retrying a transient request failure (429, 5xx, reset): slower, since the server asked us to back off. */
export const RETRY_BACKOFF: Backoff = { initialDelayMs: 500, multiplier: 2, maxDelayMs: 16_000, jitter: 0.5 };

export function delayFor(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  return jittered(
    Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** attempt),
    backoff.jitter,
    random,
  );
}

function jittered(baseMs: number, jitter: number, random: () => number): number {
  return Math.max(0, Math.round(baseMs * (1 + jitter * (2 * random() - 1))));
}

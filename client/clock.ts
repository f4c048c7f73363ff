/**
 * The time the client reads and waits on. Everything in client/ that reads the time or waits (the quota gate,
 * the cancel verdict, polling, retries, deadlines) takes its clock from the client it works with, so a test steps
 * time instead of sleeping through it, as the emulator takes its `now`. Default: {@link SYSTEM_CLOCK}.
 */
export interface Clock {
  /** Milliseconds since the epoch: instants compared with the server's clock or written down. */
  now(): number;
  /**
   * Whole milliseconds from an arbitrary origin on a clock that never jumps: deadlines and elapsed times. Whole,
   * as `now()` is: a time computed as `at - now` must come out as the wait it was made from, with no float residue.
   */
  monotonicNow(): number;
  /**
   * Calls `fire` once `ms` have passed on this clock; the function returned cancels it. A timer keeps the
   * process alive as a sleep must, unless `options.background` says it is only a bound on other work (a deadline).
   */
  setTimer(ms: number, fire: () => void, options?: TimerOptions): () => void;
}

export interface TimerOptions {
  /** True for a timer that bounds other work: alone, it does not keep the process alive. */
  background?: boolean;
}

/** Node fires longer timers at once (and warns); waits of weeks are beyond any use here. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The machine's clocks, and `setTimeout` (a background timer unref'd). */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  monotonicNow: () => Math.floor(performance.now()),
  setTimer(ms, fire, options = {}) {
    const timer = setTimeout(fire, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    if (options.background) timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = SYSTEM_CLOCK): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

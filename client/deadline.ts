import { type Clock, SYSTEM_CLOCK, sleep } from "./clock";
import { formatDuration } from "./durations";
import { DeadlineExceededError } from "./errors";

/** Each deadline by its signal: what a request is given is the signal, and a retry must know the time left. */
const bySignal = new WeakMap<AbortSignal, Deadline>();

/** The deadline whose signal `signal` is, if it is one (a caller's own signal is not). */
export function deadlineOf(signal: AbortSignal): Deadline | undefined {
  return bySignal.get(signal);
}

/**
 * One user-visible wait's end: an absolute time and an AbortSignal that fires then (or when the caller's own
 * signal fires). Everything inside the wait (each request, its body read, retries, backoff sleeps) listens to
 * `signal`, so the wait ends when it should, whatever the server does.
 *
 * The timer is the clock's (on the system clock a plain `setTimeout`, which the event loop holds strongly:
 * `AbortSignal.timeout` is held only as long as its signal is, and a garbage collection between a response's
 * headers and its body loses it). It is a background timer, so a deadline alone never keeps a process alive;
 * `dispose()` clears it once the wait is over.
 */
export class Deadline {
  readonly signal: AbortSignal;
  /** The clock's `monotonicNow()` at which the deadline passes. */
  readonly atMs: number;
  private readonly controller = new AbortController();
  private readonly cancelTimer: () => void = () => {};
  private readonly unlinkParent: () => void;

  private constructor(
    /** Its full length, for messages. */
    readonly timeoutMs: number,
    /** What set it, for messages: `timeouts.create`, `--timeout`. */
    readonly label: string,
    parent: AbortSignal | undefined,
    /** What it reads the time on; whatever waits within it sleeps on the same clock. */
    readonly clock: Clock,
    private readonly description = `the ${label} deadline (${formatDuration(timeoutMs)})`,
  ) {
    this.signal = this.controller.signal;
    this.atMs = clock.monotonicNow() + timeoutMs;
    if (Number.isFinite(timeoutMs)) {
      this.cancelTimer = clock.setTimer(
        timeoutMs,
        () => this.controller.abort(new DeadlineExceededError(this.describe())),
        { background: true },
      );
    }
    this.unlinkParent = linkAbort(parent, this.controller);
    bySignal.set(this.signal, this);
  }

  /** A deadline `timeoutMs` from now on `clock`, that also ends when `parent` aborts. */
  static after(timeoutMs: number, label: string, parent?: AbortSignal, clock: Clock = SYSTEM_CLOCK): Deadline {
    return new Deadline(Math.max(0, timeoutMs), label, parent, clock);
  }

  /** No time limit: ends only when `parent` aborts. */
  static unbounded(parent?: AbortSignal, clock: Clock = SYSTEM_CLOCK): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, "no deadline", parent, clock);
  }

  /**
   * A deadline `marginMs` earlier than this one (never in the past), ending with it otherwise: time kept for
   * what must follow (`why`: "to look for the operation it may have started").
   */
  keeping(marginMs: number, why: string): Deadline {
    const margin = Math.min(marginMs, this.remaining());
    const description = `${this.description}, less ${formatDuration(margin)} kept ${why}`;
    return new Deadline(this.remaining() - margin, this.label, this.signal, this.clock, description);
  }

  remaining(): number {
    return Math.max(0, this.atMs - this.clock.monotonicNow());
  }

  /** True once this deadline (or one it derives from) passed; false when the caller aborted. */
  get passed(): boolean {
    return this.signal.aborted && isDeadlineExceeded(this.signal.reason);
  }

  /** "the timeouts.create deadline (5s)". */
  describe(): string {
    return this.description;
  }

  /** Sleeps `ms`, or rejects with the abort reason as soon as the deadline passes or the caller aborts. */
  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal, this.clock);
  }

  dispose(): void {
    this.cancelTimer();
    this.unlinkParent();
  }
}

/** Aborts `controller` when `parent` aborts; returns the function that undoes the link. */
export function linkAbort(parent: AbortSignal | undefined, controller: AbortController): () => void {
  if (!parent) return () => {};
  if (parent.aborted) {
    controller.abort(parent.reason);
    return () => {};
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}

export function isDeadlineExceeded(reason: unknown): reason is DeadlineExceededError {
  return reason instanceof DeadlineExceededError;
}

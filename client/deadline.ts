import { sleep } from "./backoff";
import { formatDuration } from "./durations";
import { DeadlineExceededError } from "./errors";

const MAX_TIMER_MS = 2 ** 31 - 1;

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
 * The timer is a plain `setTimeout`, which the event loop holds strongly: `AbortSignal.timeout` is held only
 * as long as its signal is, and a garbage collection between a response's headers and its body loses it.
 * It is unref'd, so a deadline alone never keeps a process alive; `dispose()` clears it once the wait is over.
 */
export class Deadline {
  readonly signal: AbortSignal;
  /** `performance.now()` at which the deadline passes. */
  readonly atMs: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly unlinkParent: () => void;

  private constructor(
    /** Its full length, for messages. */
    readonly timeoutMs: number,
    /** What set it, for messages: `timeouts.create`, `--timeout`. */
    readonly label: string,
    parent: AbortSignal | undefined,
    private readonly description = `the ${label} deadline (${formatDuration(timeoutMs)})`,
  ) {
    this.signal = this.controller.signal;
    this.atMs = performance.now() + timeoutMs;
    if (Number.isFinite(timeoutMs)) {
      // Node fires longer timers at once (and warns); waits of weeks are beyond any use here.
      const delay = Math.min(timeoutMs, MAX_TIMER_MS);
      this.timer = setTimeout(() => this.controller.abort(new DeadlineExceededError(this.describe())), delay);
      this.timer.unref();
    }
    this.unlinkParent = linkAbort(parent, this.controller);
    bySignal.set(this.signal, this);
  }

  /** A deadline `timeoutMs` from now, that also ends when `parent` aborts. */
  static after(timeoutMs: number, label: string, parent?: AbortSignal): Deadline {
    return new Deadline(Math.max(0, timeoutMs), label, parent);
  }

  /** No time limit: ends only when `parent` aborts. */
  static unbounded(parent?: AbortSignal): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, "no deadline", parent);
  }

  /**
   * A deadline `marginMs` earlier than this one (never in the past), ending with it otherwise: time kept for
   * what must follow (`why`: "to look for the operation it may have started").
   */
  keeping(marginMs: number, why: string): Deadline {
    const margin = Math.min(marginMs, this.remaining());
    const description = `${this.description}, less ${formatDuration(margin)} kept ${why}`;
    return new Deadline(this.remaining() - margin, this.label, this.signal, description);
  }

  remaining(): number {
    return Math.max(0, this.atMs - performance.now());
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
    return sleep(ms, this.signal);
  }

  dispose(): void {
    clearTimeout(this.timer);
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

import type { StartMethod } from "./admin-client";
import { type Backoff, delayFor, RETRY_BACKOFF } from "./backoff";
import { type Clock, SYSTEM_CLOCK } from "./clock";
import { formatDuration } from "./durations";
import { ApiRequestError } from "./errors";
import { parseDatabaseName } from "./names";
import { describeWait } from "./retry-hint";

/**
 * Documented for Datastore mode (export-import-entities, limits): "The managed export and import service limits
 * the number of concurrent exports and imports to 50 and allows a maximum of 20 export and import requests per
 * minute for a project." Used in messages when the server's own message names no number.
 */
const DOCUMENTED = { perMinute: 20, concurrent: 50 } as const;

/** A refusal without Retry-After or RetryInfo, and no start of ours to age out of the minute: wait and look again. */
const UNHINTED_BACKOFF: Backoff = { initialDelayMs: 2_000, multiplier: 2, maxDelayMs: 30_000, jitter: 0.2 };

const WINDOW_MS = 60_000;

/** What a refusal says about the quota, for the waiting line. */
export interface QuotaRefusal {
  /** "20 requests a minute per project" or "50 exports and imports at once per project". */
  limit: string;
  /** How long the server (or what we know of the window) says to wait, never less than our backoff's delay. */
  waitMs: number;
  /** What the server asked and what we make of it, for messages: "the server asked to retry at once (...); ...". */
  asked: string;
}

interface Waiter {
  admit: () => void;
}

/**
 * One project's quota for one kind of start (export and import share theirs), as this process has learned it.
 * Until the server first refuses a start, starts go out freely. After a refusal they queue: one start at a
 * time, in arrival order, and none before the time the refusal named, so several resources of one `pulumi up`
 * (one provider process) wait out a refusal together instead of each sending its own POSTs into it.
 */
export class QuotaGate {
  /** When starts of ours were accepted, for the per-minute window (our clock). */
  private acceptedAt: number[] = [];
  private refusedUntilMs = 0;
  private refusals = 0;
  private limited = false;
  private inFlight = false;
  private readonly queue: Waiter[] = [];
  private cancelTimer: (() => void) | undefined;
  private lastLimit: string | undefined;

  constructor(private readonly clock: Clock = SYSTEM_CLOCK) {}

  /** The limit the last refusal named, for messages. */
  get limit(): string | undefined {
    return this.lastLimit;
  }

  /** How many starts wait before one that would join the queue now. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves when a start may be sent; call exactly one of `accepted`, `refused` or `released` after it.
   * `onQueued` says how many are ahead whenever that changes while this start waits.
   */
  async acquire(signal: AbortSignal, onQueued?: (ahead: number, waitMs: number) => void): Promise<void> {
    if (!this.limited) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        this.pump();
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      onQueued?.(this.queue.length - 1, Math.max(0, this.refusedUntilMs - this.clock.monotonicNow()));
      this.pump();
    });
  }

  /** The start was accepted: it counts against the minute, and the next in line may go. */
  accepted(): void {
    const now = this.clock.monotonicNow();
    this.acceptedAt = this.acceptedAt.filter((t) => t > now - WINDOW_MS);
    this.acceptedAt.push(now);
    this.refusals = 0;
    this.release();
  }

  /** The start failed otherwise (nothing learned about the quota): the next in line may go. */
  released(): void {
    this.release();
  }

  /**
   * The server refused the start for quota: from now on starts queue, and none goes before the time it named,
   * nor before our own retry backoff's next delay (the floor of client/retry-hint.ts: "retry now" must not make
   * a request storm). The ceiling is the caller's: a start whose deadline cannot hold `waitMs` fails at once.
   */
  refused(error: ApiRequestError): QuotaRefusal {
    const now = this.clock.monotonicNow();
    this.limited = true;
    const concurrent = /concurren|at once|in parallel|running/i.test(error.message);
    const match = /at most (\d{1,6})|limit is (\d{1,6})|\b(\d{1,6}) (?:export|import|request|concurrent)/i.exec(
      error.message,
    );
    const named = match?.slice(1).find((n) => n !== undefined);
    const limit = concurrent
      ? `${named ?? DOCUMENTED.concurrent} exports and imports at once per project`
      : `${named ?? DOCUMENTED.perMinute} requests a minute per project`;
    this.acceptedAt = this.acceptedAt.filter((t) => t > now - WINDOW_MS);
    const oldest = this.acceptedAt[0];
    const window = !concurrent && oldest !== undefined ? oldest + WINDOW_MS - now : undefined;
    const askedMs = error.retryHint?.ms ?? window ?? delayFor(UNHINTED_BACKOFF, this.refusals);
    const waitMs = Math.max(askedMs, delayFor(RETRY_BACKOFF, this.refusals));
    this.refusals++;
    this.lastLimit = limit;
    this.refusedUntilMs = Math.max(this.refusedUntilMs, now + waitMs);
    this.release();
    const until = this.refusedUntilMs - now;
    const asked = error.retryHint
      ? describeWait(error.retryHint, until)
      : `${window === undefined ? "the server named no time to wait" : "our own starts fill the minute"}; the next try would be in ${formatDuration(until)}`;
    return { limit, waitMs: until, asked };
  }

  private release(): void {
    this.inFlight = false;
    this.pump();
  }

  /** Admits the head of the queue once nothing is in flight and the refusal's time has come. */
  private pump(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const delay = this.refusedUntilMs - this.clock.monotonicNow();
    if (delay > 0) {
      this.cancelTimer ??= this.clock.setTimer(delay, () => {
        this.cancelTimer = undefined;
        this.pump();
      });
      return;
    }
    const head = this.queue.shift();
    if (!head) return;
    this.inFlight = true;
    head.admit();
  }
}

/**
 * The gates of one process's starts: one per project and quota, so all resources of one `pulumi up` (one provider
 * process) share it. Export and import share theirs (the documented limits count both); bulk delete has its own.
 * A front end holds one of these for as long as it starts things (the provider's lifecycle context, a command).
 */
export class QuotaGates {
  private readonly gates = new Map<string, QuotaGate>();

  constructor(private readonly clock: Clock = SYSTEM_CLOCK) {}

  /** The gate for a start of `method` in `database`. */
  gateFor(database: string, method: StartMethod): QuotaGate {
    const { project } = parseDatabaseName(database);
    const key = `${project}\n${method === "bulkDeleteDocuments" ? "bulkDelete" : "exportImport"}`;
    let gate = this.gates.get(key);
    if (!gate) {
      gate = new QuotaGate(this.clock);
      this.gates.set(key, gate);
    }
    return gate;
  }
}

/** What the waiting line calls the quota. */
export function quotaName(method: StartMethod): string {
  return method === "bulkDeleteDocuments" ? "bulk delete" : method === "importDocuments" ? "import" : "export";
}

/** A start refused for quota: proof that nothing started. */
export function isQuotaRefusal(error: unknown): error is ApiRequestError {
  return error instanceof ApiRequestError && error.httpStatus === 429 && !error.ambiguous;
}

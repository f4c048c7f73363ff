import { formatDuration } from "./durations";
import type { OperationView, Progress } from "./operation-view";
import { NO_ESTIMATE_YET } from "./progress-text";
import { formatBytes, formatCount } from "./quantities";

/**
 * Throughput and an estimated end time from the last samples of an operation's progress, for the provider's
 * waiting lines and firestore-ops' progress. Pure: the clock is injected. The estimate is only given when it
 * means something; otherwise the reason why not (Firestore's estimates are missing early and can be overtaken by
 * the work done, as the emulator's messy profile plays).
 */

export interface ProgressSample {
  atMs: number;
  state: string;
  documents?: Progress;
  bytes?: Progress;
}

export type Estimate =
  | {
      meaningful: true;
      /** Per second, over the window. */
      documentsPerSecond?: number;
      bytesPerSecond?: number;
      remainingMs: number;
      endsAtMs: number;
      /** Which progress the estimate is computed from. */
      basis: "documents" | "bytes";
    }
  | { meaningful: false; reason: string };

export interface EstimatorOptions {
  /** Samples older than this (behind the newest) are dropped. */
  windowMs?: number;
  /** At most this many samples are kept. */
  maxSamples?: number;
  /** Two samples closer than this give no rate. */
  minSpanMs?: number;
}

export class ProgressEstimator {
  private samples: ProgressSample[] = [];
  private readonly windowMs: number;
  private readonly maxSamples: number;
  private readonly minSpanMs: number;

  constructor(
    private readonly now: () => number = Date.now,
    options: EstimatorOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxSamples = options.maxSamples ?? 30;
    this.minSpanMs = options.minSpanMs ?? 1_000;
  }

  /** Records what the operation looks like now. */
  add(view: Pick<OperationView, "state" | "documents" | "bytes">): void {
    const atMs = this.now();
    this.samples.push({
      atMs,
      state: view.state,
      ...(view.documents ? { documents: { ...view.documents } } : {}),
      ...(view.bytes ? { bytes: { ...view.bytes } } : {}),
    });
    // Keep the newest few within the window, but always two to compare.
    while (
      this.samples.length > 2 &&
      (this.samples.length > this.maxSamples || atMs - (this.samples[0] as ProgressSample).atMs > this.windowMs)
    ) {
      this.samples.shift();
    }
  }

  estimate(): Estimate {
    return estimateFrom(this.samples, this.now(), this.minSpanMs, this.windowMs);
  }
}

/** The estimate from samples (oldest first) at `nowMs`. */
export function estimateFrom(
  samples: readonly ProgressSample[],
  nowMs: number,
  minSpanMs = 1_000,
  staleMs = 60_000,
): Estimate {
  const last = samples.at(-1);
  if (!last) return { meaningful: false, reason: `${NO_ESTIMATE_YET}: no progress read so far` };
  if (last.state !== "PROCESSING") return { meaningful: false, reason: `no estimate while ${last.state}` };
  if (samples.length < 2) return { meaningful: false, reason: `${NO_ESTIMATE_YET}: one reading so far` };
  const basis = last.documents?.estimated ? "documents" : last.bytes?.estimated ? "bytes" : undefined;
  if (!basis) return { meaningful: false, reason: `${NO_ESTIMATE_YET}: Firestore has not estimated the work` };
  const current = last[basis] as Progress;
  if (current.completed >= current.estimated) {
    return { meaningful: false, reason: "no estimate: the work done has passed Firestore's estimate" };
  }
  const first = samples.find((s) => s.state === "PROCESSING" && s[basis] !== undefined) as ProgressSample;
  const spanMs = last.atMs - first.atMs;
  if (spanMs < minSpanMs) return { meaningful: false, reason: `${NO_ESTIMATE_YET}: too short a time to measure` };
  const rate = (p: "documents" | "bytes"): number | undefined => {
    const a = first[p];
    const b = last[p];
    return a && b ? ((b.completed - a.completed) / spanMs) * 1000 : undefined;
  };
  const perSecond = rate(basis) ?? 0;
  if (perSecond <= 0 || nowMs - last.atMs > staleMs) {
    return {
      meaningful: false,
      reason: `no estimate: no progress in the last ${formatDuration(Math.max(spanMs, nowMs - last.atMs))}`,
    };
  }
  const remainingMs = Math.max(0, ((current.estimated - current.completed) / perSecond) * 1000 - (nowMs - last.atMs));
  const documentsPerSecond = rate("documents");
  const bytesPerSecond = rate("bytes");
  return {
    meaningful: true,
    basis,
    ...(documentsPerSecond !== undefined && documentsPerSecond > 0 ? { documentsPerSecond } : {}),
    ...(bytesPerSecond !== undefined && bytesPerSecond > 0 ? { bytesPerSecond } : {}),
    remainingMs,
    endsAtMs: nowMs + remainingMs,
  };
}

/** `1,234 documents/s, 2.1 MB/s, about 3m20s left (ends about 14:05:10Z)`, or the reason there is no estimate. */
export function estimateText(estimate: Estimate): string {
  if (!estimate.meaningful) return estimate.reason;
  const rates: string[] = [];
  if (estimate.documentsPerSecond !== undefined) {
    rates.push(`${formatCount(Math.round(estimate.documentsPerSecond))} documents/s`);
  }
  if (estimate.bytesPerSecond !== undefined) rates.push(`${formatBytes(estimate.bytesPerSecond)}/s`);
  const ends = new Date(estimate.endsAtMs).toISOString().slice(11, 19);
  return `${rates.join(", ")}, about ${formatDuration(estimate.remainingMs)} left (ends about ${ends}Z)`;
}

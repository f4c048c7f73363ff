import { shortOperationId } from "../client/names";
import type { OperationView } from "../client/operation-view";
import { estimateText, ProgressEstimator } from "../client/progress-estimate";
import { describeProgress } from "../client/progress-text";
import { PROGRESS_INTERVAL_MS, ProgressThrottle } from "../client/progress-throttle";
import { progressBar } from "./format";

/** Where progress goes: a terminal gets one line redrawn in place, anything else a log. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Live progress of one operation while something waits for it. On a TTY a single status line is
 * rewritten; otherwise one timestamped line per state change, and at most one per PROGRESS_INTERVAL_MS between
 * (a line for every poll would flood CI logs).
 */
export class ProgressPrinter {
  private readonly tty: boolean;
  private lineShown = false;
  private readonly throttle: ProgressThrottle;
  private readonly estimator: ProgressEstimator;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {
    this.tty = stream.isTTY === true;
    this.estimator = new ProgressEstimator(now);
    this.throttle = new ProgressThrottle(PROGRESS_INTERVAL_MS, now);
  }

  /** The progress, then throughput and the estimated end (or why there is none yet). */
  private progress(view: OperationView): string {
    return view.done ? describeProgress(view) : `${describeProgress(view)}; ${estimateText(this.estimator.estimate())}`;
  }

  update(view: OperationView): void {
    this.estimator.add(view);
    if (this.tty) {
      // The command line already says which operation: the width goes to the progress.
      const line = [progressBar(view), this.progress(view)].filter(Boolean).join(" ");
      // One column short of the width: writing the last column wraps some terminals onto a new line.
      const width = Math.max(20, (this.stream.columns || 80) - 1);
      const fitted = line.length > width ? `${line.slice(0, width - 3)}...` : line;
      this.stream.write(`\r${fitted}\x1b[K`);
      this.lineShown = true;
      return;
    }
    if (!this.throttle.due(view.state)) return;
    this.stream.write(
      `${new Date(this.now()).toISOString().slice(11, 19)}Z ${shortOperationId(view.name)}: ${this.progress(view)}\n`,
    );
  }

  /** Erases the status line, so that what follows starts at column 0. */
  clear(): void {
    if (this.tty && this.lineShown) this.stream.write("\r\x1b[K");
    this.lineShown = false;
  }
}

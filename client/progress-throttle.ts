/** How often mere progress (the same state, more documents) may show; a state change shows at once. */
export const PROGRESS_INTERVAL_MS = 5_000;

/**
 * Progress without flooding a log: the provider's status lines (non-interactive Pulumi prints every one) and
 * `firestore-ops`' lines without a terminal both go through one of these.
 */
export class ProgressThrottle {
  private lastState: string | undefined;
  private lastShownMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a line for `state` is due now; if it is, it counts as shown. */
  due(state: string): boolean {
    const now = this.now();
    if (state === this.lastState && now - this.lastShownMs < this.intervalMs) return false;
    this.lastState = state;
    this.lastShownMs = now;
    return true;
  }
}

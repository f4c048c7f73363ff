import type { CallOptions, FirestoreAdminClient } from "./admin-client";
import { delayFor, RETRY_BACKOFF } from "./backoff";
import { sleep } from "./clock";
import { ApiRequestError } from "./errors";
import { notCancellable } from "./operation-types";
import type { OperationView } from "./operation-view";
import { isQuotaRefusal } from "./quota-gate";
import { describeWait, hintedWait } from "./retry-hint";

/**
 * What asking for a cancel found: one verdict for the provider's destroy and for `firestore-ops cancel`, which
 * word it each for their users. A 404 (the operation is gone) is thrown, as the transport reports it.
 */
export type CancelVerdict =
  /** Its type cannot be cancelled (a database restore): no cancel was sent; `reason` says why. */
  | { result: "not-cancellable"; view: OperationView; reason: string }
  /** The operation was over before the server received the cancel: nothing was cancelled. */
  | { result: "ended-before"; view: OperationView }
  /** The server cannot cancel this operation; `view` is its state, if it could be read. */
  | { result: "unimplemented"; view?: OperationView }
  /** The server refused to cancel a running operation (FAILED_PRECONDITION): it runs on, not cancelled. */
  | { result: "refused"; view: OperationView; message: string }
  /**
   * The cancel was accepted; `view` was read right after it, and may already be done. `before`: the read before
   * the cancel, when there was one.
   */
  | { result: "sent"; view: OperationView; before?: OperationView };

export interface CancelOptions extends CallOptions {
  /**
   * The operation's metadata type when the caller knows it (the provider's state does): the cancel is then sent
   * first. Unknown, the operation is read first, so that nothing is sent to one that cannot be cancelled.
   */
  metadataType?: string;
  /** A cancel refused for quota (429) did nothing: told before each wait, it is sent again after it. */
  onQuotaWait?: (waitMs: number, error: ApiRequestError) => void;
  /** The longest a cancel waits for quota; beyond it, the refusal is thrown. Default: no waiting. */
  quotaPatienceMs?: number;
}

/**
 * How far our clock may be from the server's, when the server sends no `Date` header and we must judge by our
 * own clock whether an operation ended before the cancel.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

/**
 * Cancel first, then read: the read right after the cancel is also the first poll of the wait that usually
 * follows, so a cancel that lands at once is seen at once, for the same number of requests as reading first
 * (Google's clients also cancel without reading). Cancel on a finished operation is harmless (a no-op or
 * FAILED_PRECONDITION, docs/emulator.md, "Where the real service's behaviour is unverified"). Whether a finished operation ended before the cancel is judged on
 * the server's clock: its `endTime` against the cancel response's `Date`.
 */
export async function requestCancel(
  client: FirestoreAdminClient,
  name: string,
  options: CancelOptions = {},
): Promise<CancelVerdict> {
  const { metadataType, onQuotaWait, quotaPatienceMs, ...call } = options;
  let before: OperationView | undefined;
  if (metadataType === undefined) {
    before = await client.get(name, call);
    if (before.done) return { result: "ended-before", view: before };
  }
  const reason = notCancellable(metadataType ?? before?.metadataType ?? "");
  if (reason) {
    const view = before ?? (await client.get(name, call));
    return view.done ? { result: "ended-before", view } : { result: "not-cancellable", view, reason };
  }
  const sentAt = client.clock.now();
  let answeredAt: number;
  try {
    const { serverTimeMs } = await cancelWithinQuota(client, name, call, quotaPatienceMs ?? 0, onQuotaWait);
    // Date is whole seconds, rounded down: an end within the second before it counts as ending despite the
    // cancel, which errs on the side of reporting a lost cancel.
    answeredAt = serverTimeMs ?? sentAt - CLOCK_SKEW_ALLOWANCE_MS;
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    if (error.status === "UNIMPLEMENTED") {
      return {
        result: "unimplemented",
        ...(await client.get(name, call).then(
          (view) => ({ view }),
          () => ({}),
        )),
      };
    }
    if (error.status !== "FAILED_PRECONDITION") throw error;
    // Refused because it is over already, or because it cannot be cancelled (a database restore): it runs on.
    const view = await client.get(name, call);
    if (!view.done) return { result: "refused", view, message: error.message };
    return { result: "ended-before", view };
  }
  const view = await client.get(name, call);
  if (view.done && endedBefore(view, answeredAt)) return { result: "ended-before", view };
  return { result: "sent", view, ...(before ? { before } : {}) };
}

/**
 * A cancel the server refused for quota (429 RESOURCE_EXHAUSTED, after the transport's own retries) did nothing:
 * wait as long as the server asks (Retry-After or RetryInfo), never less than the backoff's next delay, and send
 * it again, within patience and the deadline (client/retry-hint.ts); a wait they cannot hold fails at once.
 */
async function cancelWithinQuota(
  client: FirestoreAdminClient,
  name: string,
  call: CallOptions,
  patienceMs: number,
  onQuotaWait: CancelOptions["onQuotaWait"],
): Promise<{ serverTimeMs?: number }> {
  const { clock } = client;
  const giveUpAt = clock.monotonicNow() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.cancel(name, call);
    } catch (error) {
      // Patience 0 means no waiting; a refusal the transport already found beyond the deadline stays so.
      if (!isQuotaRefusal(error) || error.retryBeyondDeadline || patienceMs <= 0) throw error;
      const floorMs = delayFor(RETRY_BACKOFF, attempt);
      const patience = { ms: giveUpAt - clock.monotonicNow(), what: "the time a cancel waits for quota" };
      const hinted = error.retryHint
        ? hintedWait(error.retryHint, floorMs, call.signal, patience)
        : floorMs < patience.ms
          ? { waitMs: floorMs }
          : { beyond: `${describeWait(undefined, floorMs)}, more than ${patience.what} allows` };
      if (hinted.beyond !== undefined) {
        throw new ApiRequestError(
          `${error.message}. Not tried again: ${hinted.beyond}; the server refused the cancel (429), so it did nothing`,
          {
            httpStatus: error.httpStatus,
            status: error.status,
            ambiguous: false,
            ...(error.retryHint ? { retryHint: error.retryHint } : {}),
            retryBeyondDeadline: true,
          },
        );
      }
      const waitMs = hinted.waitMs;
      onQuotaWait?.(waitMs, error);
      await sleep(waitMs, call.signal, clock);
    }
  }
}

function endedBefore(view: OperationView, instantMs: number): boolean {
  const ended = view.endTime === undefined ? Number.NaN : Date.parse(view.endTime);
  return Number.isFinite(ended) && ended < instantMs;
}

import type { CallOptions, FirestoreAdminClient } from "./admin-client";
import { isApiRequestError } from "./errors";
import type { OperationView } from "./operation-view";

/** What sending a cancel found. A 404 (the operation is gone) is thrown, as the transport reports it. */
export type CancelRequest =
  /** The operation was over before the server received the cancel: nothing was cancelled. */
  | { result: "ended-before"; view: OperationView }
  /** The server cannot cancel this operation; `view` is its state, if it could be read. */
  | { result: "unimplemented"; view?: OperationView }
  /** The server refused to cancel a running operation (FAILED_PRECONDITION): it runs on, not cancelled. */
  | { result: "refused"; view: OperationView; message: string }
  /** The cancel was accepted; `view` was read right after it, and may already be done. */
  | { result: "sent"; view: OperationView };

/**
 * How far our clock may be from the server's, when the server sends no `Date` header and we must judge by our
 * own clock whether an operation ended before the cancel.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

/**
 * Cancel first, then read: the read right after the cancel is also the first poll of the wait that usually
 * follows, so a cancel that lands at once is seen at once, for the same number of requests as reading first
 * (Google's clients also cancel without reading). Cancel on a finished operation is harmless (a no-op or
 * FAILED_PRECONDITION, README "Emulator"). Whether a finished operation ended before the cancel is judged on
 * the server's clock: its `endTime` against the cancel response's `Date`.
 */
export async function requestCancel(
  client: FirestoreAdminClient,
  name: string,
  options: CallOptions = {},
): Promise<CancelRequest> {
  const sentAt = Date.now();
  let answeredAt: number;
  try {
    const { serverTimeMs } = await client.cancel(name, options);
    // Date is whole seconds, rounded down: an end within the second before it counts as ending despite the
    // cancel, which errs on the side of reporting a lost cancel.
    answeredAt = serverTimeMs ?? sentAt - CLOCK_SKEW_ALLOWANCE_MS;
  } catch (error) {
    if (!isApiRequestError(error)) throw error;
    if (error.status === "UNIMPLEMENTED") {
      return {
        result: "unimplemented",
        ...(await client.get(name, options).then(
          (view) => ({ view }),
          () => ({}),
        )),
      };
    }
    if (error.status !== "FAILED_PRECONDITION") throw error;
    // Refused because it is over already, or because it cannot be cancelled (a database restore): it runs on.
    const view = await client.get(name, options);
    if (!view.done) return { result: "refused", view, message: error.message };
    return { result: "ended-before", view };
  }
  const view = await client.get(name, options);
  return view.done && endedBefore(view, answeredAt) ? { result: "ended-before", view } : { result: "sent", view };
}

function endedBefore(view: OperationView, instantMs: number): boolean {
  const ended = view.endTime === undefined ? Number.NaN : Date.parse(view.endTime);
  return Number.isFinite(ended) && ended < instantMs;
}

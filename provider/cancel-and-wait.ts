import { type CancelVerdict, requestCancel } from "../client/cancel-request";
import { cancellationOutcome } from "../client/cancellation";
import { Deadline } from "../client/deadline";
import { formatDuration, parseDuration } from "../client/durations";
import { ApiRequestError, CancelUnimplementedError } from "../client/errors";
import { shortOperationId } from "../client/names";
import { provesGone } from "../client/operation-gone";
import { METADATA_TYPE } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { waitUntilDone } from "../client/wait";
import { CancelLostError } from "./cancel-lost-error";
import type { LifecycleContext } from "./context";
import { DEFAULT_TIMEOUTS } from "./inputs";
import { liveOutputs, type ResourceOutputs } from "./outputs";
import { ctrlCDuringWait, progressStatus, resourceLabel, waitProgressLine } from "./reporter";
import { journalOwner } from "./stack-instance";
import { unprovenNotFound } from "./unproven-not-found";

const RERUN = '"pulumi destroy" (or the same "pulumi up")';

/**
 * The start step's delete (destroy, and the delete half of a replace): cancel the operation (unless it cannot be
 * cancelled) and wait until it is over, so that the resource leaves the stack only then. What the server answered
 * is the client's verdict (client/cancel-request.ts); this words it for a Pulumi user.
 */
export async function cancelAndWait(context: LifecycleContext, name: string, props: ResourceOutputs): Promise<void> {
  const { client, reporter, journal, stopWaiting } = context;
  const stoppable = stopWaiting !== undefined;
  const label = resourceLabel(props.resourceUrn);
  const owner = journalOwner(props);
  if (owner) await journal?.remove(owner, name);
  // Done is final: an operation the state saw end needs no request at all.
  if (props.done === true) {
    reporter.info(
      `${label}: ${shortOperationId(name)} already ended ${props.state}; nothing to cancel.${leftByDestroy(props.operationType, props.resolvedOutputUriPrefix ?? props.outputUriPrefix)}`,
    );
    return;
  }
  // timeouts.delete bounds the cancel, the read after it and the wait.
  const timeoutText = props.timeouts?.delete ?? DEFAULT_TIMEOUTS.delete;
  const deadline = Deadline.after(
    parseDuration(timeoutText, "timeouts.delete"),
    "timeouts.delete",
    stopWaiting,
    client.clock,
  );
  const status = progressStatus(reporter);
  /** One we were asked to cancel is waited for: the resource leaves the stack only once its operation is over. */
  const waitOver = (purpose: string, note: string, initial: OperationView) =>
    waitUntilDone(
      client,
      name,
      {
        deadline,
        purpose,
        onChange: (v) =>
          status(v.state, waitProgressLine(v.done, `${label}: ${describeProgress(v)} (${note})`, stoppable)),
      },
      initial,
    );
  const lost = (message: string): void => {
    if (props.onCancelLost === "fail") {
      throw new CancelLostError(
        `${message} onCancelLost is "fail": the resource stays in the stack; run the command again to remove it.`,
      );
    }
    reporter.warn(message);
  };

  let verdict: CancelVerdict;
  try {
    verdict = await requestCancel(client, name, {
      signal: deadline.signal,
      // What the state says is enough to cancel first (an empty type is one that can be cancelled).
      metadataType: props.operationType ?? "",
      quotaPatienceMs: deadline.remaining(),
      onQuotaWait: (waitMs) =>
        reporter.status(
          `${label}: the cancel of ${shortOperationId(name)} waits for Firestore's quota (${formatDuration(waitMs)})`,
        ),
    });
  } catch (error) {
    if (await provesGone(client, name, error)) {
      reporter.info(`${label}: ${name} no longer exists; nothing to cancel.`);
      return;
    }
    if (error instanceof ApiRequestError && error.httpStatus === 404) {
      throw unprovenNotFound(name, error);
    }
    throw error;
  }
  switch (verdict.result) {
    case "unimplemented":
      throw new CancelUnimplementedError(
        `The server cannot cancel ${name} (UNIMPLEMENTED). It is still ${verdict.view?.state ?? props.state}. To remove it from the stack without cancelling, set the resource option retainOnDelete: true, run "pulumi up", then remove it; or wait until it finishes ("pulumi refresh" shows its state) and run "pulumi destroy" again.`,
      );
    case "ended-before":
      reporter.info(
        `${label}: ${shortOperationId(name)} already ended ${verdict.view.state}; nothing to cancel.${leftByDestroy(verdict.view.metadataType, verdict.view.outputUriPrefix ?? props.outputUriPrefix)}`,
      );
      return;
    case "not-cancellable": {
      // Known not to be cancellable (a database restore): no cancel was sent, and nothing claims one was.
      reporter.info(
        `${label}: ${shortOperationId(name)} is not cancelled: ${verdict.reason}, so no cancel was sent. Waiting until it is over (at most ${timeoutText}); to leave it running instead, set retainOnDelete: true. ${ctrlCDuringWait(RERUN, stoppable)}`,
      );
      const what = props.operationType === "RestoreDatabaseMetadata" ? "restore" : "operation";
      const ended = await waitOver(
        `the ${what}, which cannot be cancelled, to end (the resource stays in the stack; run the same command again to keep waiting, or set retainOnDelete: true to leave it running)`,
        "not cancellable, waiting",
        verdict.view,
      );
      reporter.info(
        `${label}: ${shortOperationId(name)} ended ${ended.state}${ended.error ? ` (${ended.error.message})` : ""}; it was not cancelled (${verdict.reason}). ${liveOutputs(ended).cancelEffects}`,
      );
      return;
    }
    case "refused": {
      // The server said no (FAILED_PRECONDITION) while it runs: it is not being cancelled, and we say so.
      reporter.warn(
        `${label}: the server refused to cancel ${shortOperationId(name)} (${verdict.message}): it is not cancelled and runs on. Waiting until it is over (at most ${timeoutText}); to leave it running instead, set retainOnDelete: true.`,
      );
      const ended = await waitOver(
        "the operation the server refused to cancel to end (the resource stays in the stack; run the same command again to keep waiting)",
        "cancel refused, waiting",
        verdict.view,
      );
      lost(
        `${label}: ${name} ended ${ended.state}${ended.error ? ` (${ended.error.message})` : ""}; it was not cancelled (the server refused the cancel).`,
      );
      return;
    }
    case "sent": {
      if (!verdict.view.done) {
        reporter.info(
          `${label}: cancel sent for ${shortOperationId(name)}; waiting until it is over (at most ${timeoutText}). ${ctrlCDuringWait(RERUN, stoppable)}`,
        );
      }
      // Starts from the view read right after the cancel: that read was the first poll.
      const ended = await waitOver(
        "the cancelled operation to end (the resource stays in the stack; run the same command again to keep waiting)",
        "cancelling",
        verdict.view,
      );
      if (cancellationOutcome(ended) === "cancelled") {
        reporter.info(
          `${label}: ${shortOperationId(name)} CANCELLED after ${describeProgress(ended).replace(/^CANCELLED,? ?/, "") || "no progress"}. ${liveOutputs(ended).cancelEffects}`,
        );
        return;
      }
      lost(
        `${label}: ${name} ${ended.state === "SUCCESSFUL" ? "completed" : "failed"} despite the cancel (${ended.state}${ended.error ? `: ${ended.error.message}` : ""}).`,
      );
    }
  }
}

/**
 * What an operation that already ended leaves when its resource is destroyed: destroy deletes no data, and an
 * export's files are what a user may expect to go with it.
 */
function leftByDestroy(operationType: string | undefined, outputUriPrefix: string | undefined): string {
  if (operationType !== METADATA_TYPE.exportDocuments) return "";
  return ` Its files under ${outputUriPrefix ?? "the output prefix"} stay in the bucket: destroy deletes no data (remove them, or let a lifecycle rule do it).`;
}

import { Deadline } from "../../provider/deadline";
import { parseDuration } from "../../provider/durations";
import { CancelUnimplementedError, InvalidInputError, isApiRequestError } from "../../provider/errors";
import { DEFAULT_TIMEOUTS } from "../../provider/kinds";
import type { OperationView } from "../../provider/operation-view";
import { type Cancellation, cancellationOutcome } from "../../provider/outputs";
import { waitError } from "../../provider/wait";
import { type CommandContext, writeJson, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { follow } from "../follow";
import { formatError, shortId } from "../format";
import { endedText } from "../operation-text";
import { targetOperation } from "../targets";

/**
 * `cancel NAME [--wait]`: asks the server to cancel; with --wait, also waits until the operation is over and
 * says how it ended. Exit 0 only if it ends (or had already ended) CANCELLED, or, without --wait, once the
 * cancel was accepted.
 */
export async function cancelCommand({ invocation, session, stdout, stderr }: CommandContext): Promise<ExitCode> {
  const name = targetOperation(invocation.name as string, invocation.flags, session.settings.project);
  if (invocation.timeout !== undefined && !invocation.wait) {
    throw new InvalidInputError("--timeout", "applies only with --wait");
  }
  const timeoutMs = parseDuration(invocation.timeout ?? DEFAULT_TIMEOUTS.delete, "--timeout");
  const { client } = session;
  const id = shortId(name);
  const json = invocation.flags.json;
  const report = (view: OperationView, cancelSent: boolean, cancellation: Cancellation, text: string): void => {
    if (json) writeJson(stdout, { cancelSent, cancellation, operation: view });
    else writeLine(stdout, text);
  };

  const purpose =
    "the cancelled operation to end (it goes on ending on the server; run the same command to keep waiting)";
  // With --wait, --timeout bounds the whole command, the read and the cancel before the wait included.
  const deadline = invocation.wait ? Deadline.after(timeoutMs, "--timeout") : Deadline.unbounded();
  const call = { signal: deadline.signal };
  const bounded = <T>(promise: Promise<T>, last?: OperationView): Promise<T> =>
    promise.catch((error: unknown) => {
      throw waitError(error, deadline, name, purpose, last);
    });
  let view = await bounded(client.get(name, call));
  if (!view.done) {
    try {
      await bounded(client.cancel(name, call), view);
    } catch (error) {
      if (isApiRequestError(error) && error.status === "UNIMPLEMENTED") {
        throw new CancelUnimplementedError(
          `The server cannot cancel ${name} (UNIMPLEMENTED): this operation runs until it ends on its own. It is ${view.state} now; "firestore-ops watch" follows it to the end.`,
        );
      }
      // Finished between our look and the cancel: report it as already over, below.
      if (!(isApiRequestError(error) && error.status === "FAILED_PRECONDITION")) throw error;
      view = await bounded(client.get(name, call), view);
      if (!view.done) throw error;
    }
  }
  if (view.done) {
    report(view, false, "none", `Nothing to cancel: ${endedText(view)}`);
    return view.state === "CANCELLED" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
  }
  if (!invocation.wait) {
    report(
      view,
      true,
      "requested",
      `Cancel requested for ${id} (was ${view.state}). It ends asynchronously: "firestore-ops cancel --wait" or "firestore-ops watch" waits for it.`,
    );
    return EXIT.OK;
  }
  stderr.write(`Cancel requested for ${id}; waiting until it is over.\n`);
  const ended = await follow(client, name, {
    deadline,
    purpose,
    progress: stderr,
    stderr,
    interrupted: `Stopped waiting. The cancel was sent; ${id} ends on its own ("firestore-ops watch" follows it).`,
  });
  const outcome = cancellationOutcome(ended);
  report(ended, true, outcome, outcomeText(ended, outcome));
  return outcome === "cancelled" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
}

function outcomeText(view: OperationView, outcome: Cancellation): string {
  const id = shortId(view.name);
  switch (outcome) {
    case "cancelled":
      return endedText(view);
    case "completed-despite-cancel":
      return `${id} completed despite the cancel (SUCCESSFUL): it finished before the cancel took effect, and all it did stays done.`;
    default:
      return `${id} ${view.state} despite the cancel (${formatError(view) ?? "no error detail"}).`;
  }
}

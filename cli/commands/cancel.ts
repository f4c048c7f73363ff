import { requestCancel } from "../../client/cancel-request";
import { DEFAULT_CANCEL_TIMEOUT } from "../../client/cancel-timeout";
import { type Cancellation, cancellationOutcome } from "../../client/cancellation";
import { Deadline } from "../../client/deadline";
import { formatDuration, parseDuration } from "../../client/durations";
import { CancelUnimplementedError, InvalidInputError } from "../../client/errors";
import { shortOperationId } from "../../client/names";
import type { OperationView } from "../../client/operation-view";
import { inTermsOf } from "../../client/setting-error";
import { waitError } from "../../client/wait";
import { type CommandContext, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { follow } from "../follow";
import { formatError } from "../format";
import { endedText, progressText } from "../operation-text";
import type { ProgressStream } from "../progress-printer";
import { reportError } from "../report-error";
import { writeResources } from "../resource-output";
import type { Session } from "../session";
import { targetOperation } from "../targets";

/** Where one NAME stands once its cancel went out (or was not needed). */
interface Sent {
  name: string;
  view: OperationView;
  cancelSent: boolean;
  /** Read right after the cancel: where a wait starts. */
  afterCancel?: OperationView;
  /** Not cancelled, and why: the type cannot be cancelled (nothing was sent), or the server refused the cancel. */
  notCancelled?: string;
}

/**
 * `cancel NAME... [--wait]`: asks the server to cancel each; with --wait, also waits until each is over and
 * says how it ended. Exit 0 only if each ends (or had already ended) CANCELLED, or, without --wait, once its
 * cancel was accepted; otherwise the exit code of the first NAME that did not. Every cancel is sent before
 * any wait, so several operations end side by side, within one --timeout.
 */
export async function cancelCommand({ invocation, session, stdout, stderr }: CommandContext): Promise<ExitCode> {
  const names = invocation.names.map((name) => targetOperation(name, invocation.flags, session.settings.project));
  if (invocation.timeout !== undefined && !invocation.wait) {
    throw new InvalidInputError("--timeout", "applies only with --wait");
  }
  const timeoutMs = parseDuration(invocation.timeout ?? DEFAULT_CANCEL_TIMEOUT, "--timeout");
  // With --wait, --timeout bounds the whole command: the reads and cancels before the waits included.
  const { clock } = session.client;
  const deadline = invocation.wait
    ? Deadline.after(timeoutMs, "--timeout", undefined, clock)
    : Deadline.unbounded(undefined, clock);
  const purpose =
    "the cancelled operation to end (it goes on ending on the server; run the same command to keep waiting)";
  const bounded = <T>(name: string, promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      throw waitError(error, deadline, name, purpose, undefined);
    });
  const { format } = invocation.flags;
  const several = names.length > 1;
  const codes: ExitCode[] = [];
  const resources: unknown[] = [];
  // One NAME fails as before (the error is the command's); with several, the others still get their cancel.
  const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    if (!several) return run();
    try {
      return await run();
    } catch (error) {
      codes.push(reportError(inTermsOf(error, session.settingName), stderr));
      return undefined;
    }
  };

  const sent: Sent[] = [];
  for (const name of names) {
    const result = await attempt(() => bounded(name, sendCancel(session, name, deadline, stderr)));
    if (result) sent.push(result);
  }
  for (const target of sent) {
    await attempt(async () => {
      const { code, text, json } = await finish(target);
      codes.push(code);
      if (format === "table") writeLine(stdout, text);
      else resources.push(json);
    });
  }
  if (format !== "table") writeResources(stdout, format, resources, several);
  return codes.find((code) => code !== EXIT.OK) ?? EXIT.OK;

  async function finish({
    name,
    view,
    afterCancel,
    cancelSent,
    notCancelled,
  }: Sent): Promise<{ code: ExitCode; text: string; json: unknown }> {
    const id = shortOperationId(name);
    // The API's resource as it stands now, for --format json|yaml (one GET more, only then).
    const current = async () =>
      format === "table"
        ? undefined
        : (await bounded(name, session.client.getWithJson(name, { signal: deadline.signal }))).json;
    if (notCancelled) {
      const progress = progressText(view);
      const text = `${id} is not cancelled: ${notCancelled}. It runs on (${view.state}${progress ? ` ${progress}` : ""}); "firestore-ops watch" follows it to the end.`;
      return { code: EXIT.UNWANTED_OUTCOME, text, json: await current() };
    }
    if (!cancelSent) {
      const code = view.state === "CANCELLED" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
      return { code, text: `Nothing to cancel: ${endedText(view)}`, json: await current() };
    }
    if (!invocation.wait) {
      const text = `Cancel requested for ${id} (was ${view.state}). It ends asynchronously: "firestore-ops cancel --wait" or "firestore-ops watch" waits for it.`;
      return { code: EXIT.OK, text, json: await current() };
    }
    stderr.write(`Cancel requested for ${id}; waiting until it is over.\n`);
    const ended = await follow(session.client, name, {
      deadline,
      purpose,
      progress: stderr,
      stderr,
      interrupted: `Stopped waiting. The cancel was sent; ${id} ends on its own ("firestore-ops watch" follows it).`,
      ...(afterCancel ? { initial: afterCancel } : {}),
    });
    const outcome = cancellationOutcome(ended);
    const code = outcome === "cancelled" ? EXIT.OK : EXIT.UNWANTED_OUTCOME;
    return { code, text: outcomeText(ended, outcome), json: await current() };
  }
}

/**
 * The client's verdict (client/cancel-request.ts): the operation is read first, so that nothing is sent to one that
 * is over or cannot be cancelled; a cancel refused for quota is sent again, with a line each time.
 */
async function sendCancel(session: Session, name: string, deadline: Deadline, stderr: ProgressStream): Promise<Sent> {
  const verdict = await requestCancel(session.client, name, {
    signal: deadline.signal,
    quotaPatienceMs: Math.min(QUOTA_PATIENCE_MS, deadline.remaining()),
    onQuotaWait: (waitMs, error) =>
      stderr.write(
        `Waiting for Firestore's quota to cancel ${shortOperationId(name)}: refused (${error.status ?? error.httpStatus}), next try in ${formatDuration(Math.max(1000, waitMs))}.\n`,
      ),
  });
  switch (verdict.result) {
    case "unimplemented":
      throw new CancelUnimplementedError(
        `The server cannot cancel ${name} (UNIMPLEMENTED): this operation runs until it ends on its own. It is ${verdict.view?.state ?? "still running"} now; "firestore-ops watch" follows it to the end.`,
      );
    case "not-cancellable":
      return { name, view: verdict.view, cancelSent: false, notCancelled: `${verdict.reason}, so no cancel was sent` };
    case "refused":
      return {
        name,
        view: verdict.view,
        cancelSent: false,
        notCancelled: `the server refused the cancel (${verdict.message})`,
      };
    case "ended-before":
      return { name, view: verdict.view, cancelSent: false };
    case "sent":
      // "was PROCESSING": the state the cancel found; the read after the cancel is the wait's first poll.
      return { name, view: verdict.before ?? verdict.view, afterCancel: verdict.view, cancelSent: true };
  }
}

/** The longest a cancel waits for quota without --wait (whose --timeout bounds it otherwise). */
const QUOTA_PATIENCE_MS = parseDuration(DEFAULT_CANCEL_TIMEOUT, "timeouts.delete");

function outcomeText(view: OperationView, outcome: Cancellation): string {
  const id = shortOperationId(view.name);
  switch (outcome) {
    case "cancelled":
      return endedText(view);
    case "completed-despite-cancel":
      return `${id} completed despite the cancel (SUCCESSFUL): it finished before the cancel took effect, and all it did stays done.`;
    default:
      return `${id} ${view.state} despite the cancel (${formatError(view) ?? "no error detail"}).`;
  }
}

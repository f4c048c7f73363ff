import type { FirestoreAdminClient } from "./admin-client";
import { POLL_SCHEDULE, type PollSchedule, pollDelay } from "./backoff";
import { Deadline, isDeadlineExceeded } from "./deadline";
import { formatDuration } from "./durations";
import { InterruptedError, OperationTimeoutError } from "./errors";
import type { OperationView } from "./operation-view";

export interface WaitOptions {
  /** How long to wait; ignored when `deadline` is given. Without either, only `signal` ends the wait. */
  timeoutMs?: number;
  /** A deadline the wait shares with what came before it (the start request of a create, say). */
  deadline?: Deadline;
  /** The caller's own signal: aborting it rejects promptly with an InterruptedError. */
  signal?: AbortSignal;
  schedule?: PollSchedule;
  /** Called whenever state or progress changed since the last call. */
  onChange?: (view: OperationView) => void;
  /** What the caller is waiting for, for the timeout message ("the export to finish", "the cancel to land"). */
  purpose: string;
}

/**
 * Polls until the operation is done, on `POLL_SCHEDULE`, within one deadline that bounds every request, its
 * retries and the sleeps between polls; transient request failures are retried by the transport.
 */
export async function waitUntilDone(
  client: FirestoreAdminClient,
  name: string,
  options: WaitOptions,
  initial?: OperationView,
): Promise<OperationView> {
  const schedule = options.schedule ?? POLL_SCHEDULE;
  const own = options.deadline
    ? undefined
    : options.timeoutMs === undefined
      ? Deadline.unbounded(options.signal, client.clock)
      : Deadline.after(options.timeoutMs, "wait", options.signal, client.clock);
  const deadline = (options.deadline ?? own) as Deadline;
  const started = deadline.clock.monotonicNow();
  let lastSignature = "";
  const notify = (view: OperationView): void => {
    const sig = signature(view);
    if (sig === lastSignature) return;
    lastSignature = sig;
    options.onChange?.(view);
  };
  let current = initial;
  try {
    current ??= await client.get(name, { signal: deadline.signal });
    notify(current);
    for (let attempt = 0; !current.done; attempt++) {
      await deadline.sleep(pollDelay(schedule, attempt, deadline.clock.monotonicNow() - started));
      current = await client.get(name, { signal: deadline.signal });
      notify(current);
    }
    return current;
  } catch (error) {
    throw waitError(error, deadline, name, options.purpose, current);
  } finally {
    own?.dispose();
  }
}

/**
 * What a wait that failed reports: when its deadline passed, an OperationTimeoutError with the last state seen
 * (whatever request was in flight); when the caller aborted, an InterruptedError saying what was interrupted;
 * otherwise the error itself.
 */
export function waitError(
  error: unknown,
  deadline: Deadline,
  name: string,
  purpose: string,
  last: OperationView | undefined,
): unknown {
  if (!deadline.signal.aborted) return error;
  const state = last?.state ?? "unknown";
  const reason: unknown = deadline.signal.reason;
  if (isDeadlineExceeded(reason)) {
    const known = last ? `${name} is still ${state}` : `the state of ${name} is unknown (no answer)`;
    return new OperationTimeoutError(
      `Timed out after ${formatDuration(deadline.timeoutMs)} waiting for ${purpose}: ${known}.`,
      name,
      state,
    );
  }
  const why = reason instanceof Error ? reason.message : String(reason);
  return new InterruptedError(`Stopped waiting for ${purpose} (${why.slice(0, 200)}): ${name} was ${state}.`, {
    ambiguous: false,
  });
}

function signature(view: OperationView): string {
  return `${view.state}|${view.documents?.completed ?? 0}|${view.bytes?.completed ?? 0}`;
}

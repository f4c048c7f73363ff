import type { FirestoreAdminClient } from "./admin-client";
import { POLL_SCHEDULE, type PollSchedule, pollDelay, sleep } from "./backoff";
import { formatDuration } from "./durations";
import { OperationTimeoutError } from "./errors";
import type { OperationView } from "./operation-view";

export interface WaitOptions {
  timeoutMs: number;
  schedule?: PollSchedule;
  /** Called whenever state or progress changed since the last call. */
  onChange?: (view: OperationView) => void;
  /** What the caller is waiting for, for the timeout message ("the export to finish", "the cancel to land"). */
  purpose: string;
}

/**
 * Polls until the operation is done, with our own deadline, on `POLL_SCHEDULE`; transient request failures
 * are retried by the transport.
 */
export async function waitUntilDone(
  client: FirestoreAdminClient,
  name: string,
  options: WaitOptions,
  initial?: OperationView,
): Promise<OperationView> {
  const schedule = options.schedule ?? POLL_SCHEDULE;
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let lastSignature = "";
  const notify = (view: OperationView): void => {
    const sig = signature(view);
    if (sig === lastSignature) return;
    lastSignature = sig;
    options.onChange?.(view);
  };
  let current = initial ?? (await client.get(name));
  notify(current);
  for (let attempt = 0; !current.done; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeout(name, options, current);
    await sleep(Math.min(pollDelay(schedule, attempt, Date.now() - started), remaining));
    current = await client.get(name);
    notify(current);
  }
  return current;
}

function signature(view: OperationView): string {
  return `${view.state}|${view.documents?.completed ?? 0}|${view.bytes?.completed ?? 0}`;
}

function timeout(name: string, options: WaitOptions, last: OperationView | undefined): OperationTimeoutError {
  const state = last?.state ?? "unknown";
  return new OperationTimeoutError(
    `Timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.purpose}: ${name} is still ${state}.`,
    name,
    state,
  );
}

import type { FirestoreAdminClient } from "./admin-client";
import { findStartedOperation, runningLookalikes, type SendWindow } from "./ambiguous-start";
import { Deadline } from "./deadline";
import { AmbiguousStartError, isApiRequestError } from "./errors";
import { finishOnInterrupt } from "./interrupt";
import type { StartRequest } from "./kinds";
import { provesGone } from "./operation-gone";
import type { OperationView } from "./operation-view";
import { describeProgress } from "./outputs";
import type { Reporter } from "./reporter";
import { startDeadline } from "./start-deadline";
import type { StartJournal, StartRecord } from "./start-journal";

/**
 * The most the lookalike check may take of a create's deadline (and at most a quarter of it): it is advice, and
 * a slow list must never cost the start itself.
 */
const LOOKALIKE_BUDGET_MS = 5_000;

/** How long after it was sent a start POST may still have reached the server: its own attempt timeout. */
const START_ANSWER_WINDOW_MS = 60_000;

export interface StartContext {
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** Unset for library users who keep no journal. */
  journal: StartJournal | undefined;
  /** `timeouts.create`: bounds every request here; the POST gets part of it (provider/start-deadline.ts). */
  deadline: Deadline;
}

/**
 * Starts the operation a resource asks for, exactly once across runs. Before sending anything it reads the
 * resource's journal entry: an earlier run that died after the server named its operation, or while the POST
 * was in flight, left one, and that operation is resumed instead of starting a second. Without such evidence it
 * still says which running operations look like this request (an interrupted run on another machine may have
 * started one), then records the POST durably, sends it, and records the answer. An ambiguous failure of the
 * POST is resolved by looking, never by sending it again.
 */
export async function startOnce(
  context: StartContext,
  resource: string | undefined,
  database: string,
  request: StartRequest,
  label: string,
): Promise<OperationView> {
  const { client, reporter, deadline } = context;
  const options = { signal: deadline.signal };
  const journal = resource === undefined ? undefined : context.journal;
  const fingerprint = JSON.stringify({ database, method: request.method, body: request.body });
  const earlier = resource === undefined ? undefined : journal?.read(resource);
  if (earlier && earlier.request === fingerprint) {
    const resumed = await earlierOperation(client, earlier, database, request, deadline);
    if (resumed) {
      await record(journal, reporter, { ...earlier, operationName: resumed.name });
      reporter.info(
        `${label}: resuming ${resumed.name}, which an interrupted run started (${describeProgress(resumed)}); no new operation is started.`,
      );
      return resumed;
    }
  }
  await warnAboutLookalikes(context, database, request, label);

  const sentAtMs = Date.now();
  const entry: StartRecord | undefined =
    resource === undefined ? undefined : { resource, request: fingerprint, sentAtMs };
  await record(journal, reporter, entry);
  let view: OperationView;
  try {
    view = await finishOnInterrupt(
      client
        .start(request.method, database, request.body, { signal: startDeadline(deadline).signal })
        .then(async (started) => {
          if (entry) await record(journal, reporter, { ...entry, operationName: started.name });
          return started;
        }),
    );
  } catch (error) {
    if (!isApiRequestError(error) || !error.ambiguous) {
      if (resource !== undefined) await journal?.remove(resource);
      throw error;
    }
    reporter.warn(`${label}: ${error.message}; looking for the operation it may have started before anything else`);
    const window: SendWindow = { fromMs: sentAtMs, toMs: Date.now() };
    const found = await findStartedOperation(client, database, request, window, error.message, undefined, options);
    if (!found) {
      if (resource !== undefined) await journal?.remove(resource);
      throw new AmbiguousStartError(
        `${error.message}. No ${request.method} operation matching this request was found afterwards, so none was started; run the update again.`,
        [],
      );
    }
    reporter.info(`${label}: found the operation the failed request started: ${found.name}`);
    if (entry) await record(journal, reporter, { ...entry, operationName: found.name });
    view = found;
  }
  return view;
}

/**
 * The operation an earlier, interrupted start of the same request started, if the evidence is conclusive: the
 * name the server answered with, or else the one operation the server dates inside the window in which that
 * POST was in flight. One that ended FAILED or CANCELLED is over and is not resumed.
 */
async function earlierOperation(
  client: FirestoreAdminClient,
  earlier: StartRecord,
  database: string,
  request: StartRequest,
  deadline: Deadline,
): Promise<OperationView | undefined> {
  const options = { signal: deadline.signal };
  if (earlier.operationName !== undefined) {
    try {
      const view = await client.get(earlier.operationName, options);
      return !view.done || view.state === "SUCCESSFUL" ? view : undefined;
    } catch (error) {
      if (await provesGone(client, earlier.operationName, error)) return undefined;
      throw error;
    }
  }
  const window = { fromMs: earlier.sentAtMs, toMs: earlier.sentAtMs + START_ANSWER_WINDOW_MS };
  const cause = `An earlier run was interrupted while its ${request.method} request (sent ${new Date(earlier.sentAtMs).toISOString()}) was in flight`;
  const found = await findStartedOperation(client, database, request, window, cause, [0], options);
  return found && (!found.done || found.state === "SUCCESSFUL") ? found : undefined;
}

async function warnAboutLookalikes(
  { client, reporter, deadline }: StartContext,
  database: string,
  request: StartRequest,
  label: string,
): Promise<void> {
  let lookalikes: OperationView[];
  const budget = Deadline.after(
    Math.min(LOOKALIKE_BUDGET_MS, deadline.remaining() / 4),
    "the check for running lookalikes",
    deadline.signal,
  );
  try {
    lookalikes = await runningLookalikes(client, database, request, { signal: budget.signal });
  } catch (error) {
    reporter.warn(`${label}: could not check for running operations like this one (${(error as Error).message})`);
    return;
  } finally {
    budget.dispose();
  }
  if (lookalikes.length === 0) return;
  const names = lookalikes.map((op) => op.name);
  reporter.warn(
    `${label}: ${names.length} running ${request.method} operation(s) match this request: ${names.join(", ")}. Nothing proves that this stack started them, so a new one is started; if an interrupted run did, cancel it with "firestore-ops cancel ${names.join(" ")} --wait".`,
  );
}

/** A journal that cannot be written (a read-only home) costs the kill protection, never the update. */
async function record(
  journal: StartJournal | undefined,
  reporter: Reporter,
  entry: StartRecord | undefined,
): Promise<void> {
  if (!journal || !entry) return;
  try {
    await journal.write(entry);
  } catch (error) {
    reporter.warn(
      `cannot write the start journal in ${journal.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): a run killed during this start could not tell which operation it started. Set FIRESTORE_OPS_STATE_DIR to a writable folder.`,
    );
  }
}

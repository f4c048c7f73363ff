import type { FirestoreAdminClient } from "../client/admin-client";
import { Deadline } from "../client/deadline";
import { formatDuration } from "../client/durations";
import { AmbiguousStartError, ApiRequestError, isApiRequestError } from "../client/errors";
import { provesGone } from "../client/operation-gone";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { isQuotaRefusal, quotaGate, quotaName } from "../client/quota-gate";
import { findStartedOperation, runningLookalikes, type SendWindow } from "./ambiguous-start";
import { finishOnInterrupt } from "./interrupt";
import type { Reporter } from "./reporter";
import { startDeadline } from "./start-deadline";
import {
  JournalFolderError,
  requestFingerprint,
  type StartJournal,
  type StartOwner,
  type StartRecord,
} from "./start-journal";
import type { StartRequest } from "./start-request";

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
 * POST is resolved by looking, never by sending it again. A POST refused for quota (429) started nothing: it
 * waits in the project's quota gate (provider/quota-gate.ts) and is sent again, within the create's deadline.
 */
export async function startOnce(
  context: StartContext,
  owner: StartOwner | undefined,
  database: string,
  request: StartRequest,
  label: string,
): Promise<OperationView> {
  const { client, reporter, deadline } = context;
  const journal = owner === undefined ? undefined : context.journal;
  const fingerprint = requestFingerprint(database, request.method, request.body);
  const earlier = owner === undefined ? undefined : journal?.read(owner);
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

  const gate = quotaGate(database, request.method);
  for (;;) {
    try {
      await gate.acquire(deadline.signal, (ahead, waitMs) => {
        if (ahead > 0 || waitMs > 0) reporter.status(`${label}: ${quotaLine(request, gate.limit, ahead, waitMs)}`);
      });
    } catch (error) {
      if (!deadline.passed) throw error;
      throw new ApiRequestError(
        `${label}: still waiting for Firestore's ${quotaName(request.method)} quota (${gate.limit ?? "refused for quota"}) when ${deadline.describe()} passed. Nothing was started; run the update again, or raise timeouts.create.`,
        429,
        "RESOURCE_EXHAUSTED",
        false,
      );
    }
    let sent: Awaited<ReturnType<typeof sendOnce>>;
    try {
      sent = await sendOnce(context, owner, fingerprint, database, request, label);
    } catch (error) {
      gate.released(); // an ambiguous start that the lookup could not settle: the next in line must not hang
      throw error;
    }
    if (sent.view) {
      gate.accepted();
      return sent.view;
    }
    if (!isQuotaRefusal(sent.error)) {
      gate.released();
      throw sent.error;
    }
    // A refusal for quota proves nothing started (sendOnce dropped the journal entry): wait and send again.
    const refusal = gate.refused(sent.error);
    const budget = startDeadline(deadline).remaining();
    if (refusal.waitMs >= budget) {
      throw new ApiRequestError(
        `${sent.error.message}. Nothing was started: Firestore's ${quotaName(request.method)} quota (${refusal.limit}) would not allow a start for ${formatDuration(refusal.waitMs)}, beyond ${deadline.describe()}; run the update again, or raise timeouts.create.`,
        sent.error.httpStatus,
        sent.error.status,
        false,
      );
    }
    // The waiting line comes from the gate, which says how many are ahead once this start has queued again.
  }
}

/** The one line a start waiting for quota shows. */
function quotaLine(request: StartRequest, limit: string | undefined, ahead: number, waitMs: number): string {
  const next = waitMs > 0 ? `; next try in ${formatDuration(Math.ceil(waitMs / 1000) * 1000)}` : "";
  return `waiting for Firestore's ${quotaName(request.method)} quota: ${limit ?? "refused for quota"}; ${ahead} ahead${next}`;
}

/**
 * One start POST, recorded in the journal before it is sent. Resolves with the operation, or with the error of
 * a start that definitely started nothing (its journal entry dropped); an ambiguous failure is resolved by
 * looking, never by sending again.
 */
async function sendOnce(
  context: StartContext,
  owner: StartOwner | undefined,
  fingerprint: string,
  database: string,
  request: StartRequest,
  label: string,
): Promise<{ view: OperationView; error?: undefined } | { view?: undefined; error: unknown }> {
  const { client, reporter, deadline } = context;
  const options = { signal: deadline.signal };
  const journal = owner === undefined ? undefined : context.journal;
  const sentAtMs = Date.now();
  const entry: StartRecord | undefined = owner === undefined ? undefined : { ...owner, request: fingerprint, sentAtMs };
  await record(journal, reporter, entry, "before the POST");
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
      if (owner !== undefined) await journal?.remove(owner);
      return { error };
    }
    reporter.warn(`${label}: ${error.message}; looking for the operation it may have started before anything else`);
    const window: SendWindow = { fromMs: sentAtMs, toMs: Date.now() };
    const found = await findStartedOperation(client, database, request, window, error.message, undefined, options);
    if (!found) {
      if (owner !== undefined) await journal?.remove(owner);
      throw new AmbiguousStartError(
        `${error.message}. No ${request.method} operation matching this request was found afterwards, so none was started; run the update again.`,
        [],
      );
    }
    reporter.info(`${label}: found the operation the failed request started: ${found.name}`);
    if (entry) await record(journal, reporter, { ...entry, operationName: found.name });
    view = found;
  }
  return { view };
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

/**
 * A journal that cannot be written (a read-only home) costs the kill protection, never the update. A folder we
 * must not trust stops the start if nothing was sent yet (its error names the folder and the fix); once an
 * operation exists, failing would orphan it, so then it is a warning like any other.
 */
async function record(
  journal: StartJournal | undefined,
  reporter: Reporter,
  entry: StartRecord | undefined,
  when: "before the POST" | "after it" = "after it",
): Promise<void> {
  if (!journal || !entry) return;
  try {
    await journal.write(entry);
  } catch (error) {
    if (error instanceof JournalFolderError && when === "before the POST") throw error;
    reporter.warn(
      `cannot write the start journal in ${journal.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): a run killed during this start could not tell which operation it started. Set FIRESTORE_OPS_STATE_DIR to a writable folder.`,
    );
  }
}

import type { FirestoreAdminClient } from "../client/admin-client";
import { findStartedOperation, runningLookalikes, type StartWording } from "../client/ambiguous-start";
import { Deadline } from "../client/deadline";
import { provesGone } from "../client/operation-gone";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import type { QuotaGates } from "../client/quota-gate";
import { startOperation } from "../client/start-operation";
import { finishStartOnInterrupt } from "./finish-start-on-interrupt";
import type { Reporter } from "./reporter";
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

/** How the start path's messages speak to a Pulumi user. */
const PROVIDER_WORDING: StartWording = {
  starter: "this resource",
  rerun: "run the update again",
  moreTime: "raise timeouts.create",
  settle: () => "adopt it with a FirestoreOperation resource, then run the update again (it looks again first)",
};

export interface StartContext {
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** Unset for library users who keep no journal. */
  journal: StartJournal | undefined;
  quotaGates: QuotaGates;
  /** `timeouts.create`: bounds every request here; the POST gets part of it (client/start-deadline.ts). */
  deadline: Deadline;
}

/**
 * Starts the operation a resource asks for, exactly once across runs. Before sending anything it reads the
 * resource's journal entry: an earlier run that died after the server named its operation, or while the POST
 * was in flight, left one, and that operation is resumed instead of starting a second. Without such evidence it
 * still says which running operations look like this request (an interrupted run on another machine may have
 * started one), then records the POST durably, sends it, and records the answer. An ambiguous failure of the
 * POST is resolved by looking, never by sending it again. A POST refused for quota (429) started nothing: it
 * waits in the project's quota gate and is sent again, within the create's deadline (client/start-operation.ts,
 * the start path `firestore-ops export|import|bulk-delete` shares).
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

  let entry: StartRecord | undefined;
  return startOperation(client, database, request, {
    deadline,
    label,
    notices: reporter,
    wording: PROVIDER_WORDING,
    quotaGates: context.quotaGates,
    hooks: {
      // The journal entry is written (and fsynced) before the POST, the operation's name after it.
      beforeSend: async (sentAtMs) => {
        entry = owner === undefined ? undefined : { ...owner, request: fingerprint, sentAtMs };
        await record(journal, reporter, entry, "before the POST");
      },
      named: async (operationName) => {
        if (entry) await record(journal, reporter, { ...entry, operationName });
      },
      nothingStarted: async () => {
        if (owner !== undefined) await journal?.remove(owner);
      },
      whileSending: finishStartOnInterrupt,
    },
  });
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
  const found = await findStartedOperation(client, database, request, window, cause, PROVIDER_WORDING, [0], options);
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
    deadline.clock,
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

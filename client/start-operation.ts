import type { FirestoreAdminClient } from "./admin-client";
import { findStartedOperation, type SendWindow, type StartRequest, type StartWording } from "./ambiguous-start";
import type { Deadline } from "./deadline";
import { formatDuration } from "./durations";
import { AmbiguousStartError, ApiRequestError } from "./errors";
import type { OperationView } from "./operation-view";
import { isQuotaRefusal, type QuotaGates, quotaName } from "./quota-gate";
import { startDeadline } from "./start-deadline";

/** Messages the start path shows while it works (the provider's Reporter has this shape). */
export interface StartNotices {
  info(message: string): void;
  warn(message: string): void;
  /** A line that replaces the previous one: waiting for quota. */
  status(message: string): void;
}

/**
 * What a caller records around the POST; each hook is awaited. The provider keeps its start journal with them,
 * so that a run killed at any moment can tell what it started.
 */
export interface StartHooks {
  /** Just before the POST is sent, at `sentAtMs` on our clock. */
  beforeSend?(sentAtMs: number): Promise<void>;
  /** The server named the operation: in its answer, or the lookup found it. */
  named?(name: string): Promise<void>;
  /** The POST failed in a way that proves nothing started (a refusal, or a lookup that found nothing). */
  nothingStarted?(): Promise<void>;
  /** Wraps the POST and its `named` record while in flight (the provider lets a SIGINT wait for the answer). */
  whileSending?<T>(work: Promise<T>): Promise<T>;
}

export interface StartOptions {
  /** Bounds every request here, the quota wait included; the POST gets part of it (start-deadline.ts). */
  deadline: Deadline;
  /** Names the start in messages: the resource, or the command. */
  label: string;
  notices: StartNotices;
  wording: StartWording;
  hooks?: StartHooks;
  /** The caller's quota gates, which every start of its process shares (the provider's lifecycle context holds one). */
  quotaGates: QuotaGates;
}

/**
 * Sends a start POST exactly once, as far as the server can tell. A POST refused for quota (429) started
 * nothing: it waits in the project's quota gate (one of the caller's `quotaGates`) and is sent again, within the
 * deadline. An
 * ambiguous failure of the POST (no answer, a reset after it was sent, a 5xx, an unreadable success) is
 * resolved by listing the database's operations (ambiguous-start.ts), never by sending it again.
 */
export async function startOperation(
  client: FirestoreAdminClient,
  database: string,
  request: StartRequest,
  options: StartOptions,
): Promise<OperationView> {
  const { deadline, label, notices, wording } = options;
  const gate = options.quotaGates.gateFor(database, request.method);
  for (;;) {
    try {
      await gate.acquire(deadline.signal, (ahead, waitMs) => {
        if (ahead > 0 || waitMs > 0) notices.status(`${label}: ${quotaLine(request, gate.limit, ahead, waitMs)}`);
      });
    } catch (error) {
      if (!deadline.passed) throw error;
      throw new ApiRequestError(
        `${label}: still waiting for Firestore's ${quotaName(request.method)} quota (${gate.limit ?? "refused for quota"}) when ${deadline.describe()} passed. Nothing was started; ${wording.rerun}, or ${wording.moreTime}.`,
        { httpStatus: 429, status: "RESOURCE_EXHAUSTED", ambiguous: false },
      );
    }
    let sent: Awaited<ReturnType<typeof sendOnce>>;
    try {
      sent = await sendOnce(client, database, request, options);
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
    // A refusal for quota proves nothing started (sendOnce said so to the hooks): wait and send again.
    const refusal = gate.refused(sent.error);
    const budget = startDeadline(deadline).remaining();
    if (refusal.waitMs >= budget) {
      throw new ApiRequestError(
        `${sent.error.message}. Nothing was started: Firestore's ${quotaName(request.method)} quota (${refusal.limit}) refused it, and ${refusal.asked}, more than the ${formatDuration(budget)} ${deadline.describe()} leaves for a start; ${wording.rerun}, or ${wording.moreTime}.`,
        { httpStatus: sent.error.httpStatus, status: sent.error.status, ambiguous: false },
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
 * One start POST. Resolves with the operation, or with the error of a start that definitely started nothing;
 * an ambiguous failure is resolved by looking, never by sending again.
 */
async function sendOnce(
  client: FirestoreAdminClient,
  database: string,
  request: StartRequest,
  { deadline, label, notices, wording, hooks = {} }: StartOptions,
): Promise<{ view: OperationView; error?: undefined } | { view?: undefined; error: unknown }> {
  const sentAtMs = client.clock.now();
  await hooks.beforeSend?.(sentAtMs);
  const whileSending = hooks.whileSending ?? (<T>(work: Promise<T>) => work);
  let view: OperationView;
  try {
    view = await whileSending(
      client
        .start(request.method, database, request.body, { signal: startDeadline(deadline).signal })
        .then(async (started) => {
          await hooks.named?.(started.name);
          return started;
        }),
    );
  } catch (error) {
    if (!(error instanceof ApiRequestError) || !error.ambiguous) {
      await hooks.nothingStarted?.();
      return { error };
    }
    notices.warn(`${label}: ${error.message}; looking for the operation it may have started before anything else`);
    const window: SendWindow = { fromMs: sentAtMs, toMs: client.clock.now() };
    const found = await findStartedOperation(client, database, request, window, error.message, wording, undefined, {
      signal: deadline.signal,
    });
    if (!found) {
      await hooks.nothingStarted?.();
      throw new AmbiguousStartError(
        `${error.message}. No ${request.method} operation matching this request was found afterwards, so none was started; ${wording.rerun}.`,
        [],
      );
    }
    notices.info(`${label}: found the operation the failed request started: ${found.name}`);
    await hooks.named?.(found.name);
    view = found;
  }
  return { view };
}

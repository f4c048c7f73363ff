import type * as pulumi from "@pulumi/pulumi";
import { FirestoreAdminClient } from "../client/admin-client";
import { createAuthHeaders } from "../client/auth-headers";
import { type CancelRequest, requestCancel } from "../client/cancel-request";
import { cancellationOutcome } from "../client/cancellation";
import { Deadline } from "../client/deadline";
import { parseDuration } from "../client/durations";
import {
  ApiRequestError,
  CancelLostError,
  CancelUnimplementedError,
  fieldOf,
  isApiRequestError,
} from "../client/errors";
import { withDiagnosis } from "../client/failure-diagnosis";
import { shortOperationId as short } from "../client/names";
import { provesGone, unprovenNotFound } from "../client/operation-gone";
import { notCancellable } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { redactorFor } from "../client/redaction";
import { type ProviderSettings, settingsFrom } from "../client/settings";
import { Transport, type TransportOptions } from "../client/transport";
import { waitUntilDone } from "../client/wait";
import { type CheckFailure, checkInputs } from "./check";
import { irreversibleWarning } from "./irreversible";
import {
  DEFAULT_TIMEOUTS,
  KIND_INPUTS,
  LIST_INPUTS,
  type ProviderInputs,
  type ResourceKind,
  SETTING_INPUTS,
  startRequest,
} from "./kinds";
import { type LiveOutputs, liveOutputs, withoutRetiredOutputs } from "./outputs";
import { CTRL_C_HINT, ctrlCDuringWait, progressStatus, type Reporter, resourceLabel, SILENT } from "./reporter";
import { StartJournal } from "./start-journal";
import { startOnce } from "./start-once";

export type ResourceOutputs = ProviderInputs & LiveOutputs;

export interface LifecycleContext {
  settings: ProviderSettings;
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** Where start POSTs are recorded before they are sent; unset for library users who start nothing. */
  journal?: StartJournal;
}

export function createContext(
  settings: ProviderSettings,
  reporter: Reporter = SILENT,
  transportOptions: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
  journal: StartJournal | undefined = StartJournal.fromEnvironment(),
): LifecycleContext {
  const transport = new Transport({
    auth: createAuthHeaders(settings),
    redactor: redactorFor(settings),
    ...(settings.userProject ? { userProject: settings.userProject } : {}),
    ...transportOptions,
  });
  return {
    settings,
    client: new FirestoreAdminClient(transport, settings.endpoint),
    reporter,
    ...(journal ? { journal } : {}),
  };
}

/** An error the dynamic provider host turns into an initialization failure: the resource stays in state. */
export class InitializationFailure extends Error {
  constructor(
    readonly id: string,
    readonly properties: ResourceOutputs,
    readonly reasons: string[],
  ) {
    super(reasons.join("; "));
  }
}

/**
 * The dynamic provider for one resource kind. Every method here runs in the dynamic provider process,
 * loaded by the serialized shim from the installed package.
 */
export class OperationsProvider implements pulumi.dynamic.ResourceProvider<Record<string, unknown>, ResourceOutputs> {
  constructor(
    private readonly kind: ResourceKind,
    private readonly context: () => LifecycleContext,
  ) {}

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    let project: string | undefined;
    const failures: CheckFailure[] = [];
    try {
      project = this.context().settings.project;
    } catch (error) {
      const field = fieldOf(error);
      const reason = field ? (error as { rule: string }).rule : (error as Error).message;
      // Only this: input checks that need the configuration (the project) would report its absence.
      return { inputs: news, failures: [{ property: field ?? "(provider configuration)", reason }] };
    }
    const result = checkInputs(this.kind, news, project);
    // No old inputs: a planned create. Nothing is started here; preview says what the create cannot undo.
    if (result.failures.length === 0 && Object.keys(_olds ?? {}).length === 0) this.warnIrreversible(result.inputs);
    return { inputs: result.inputs, failures: [...failures, ...result.failures] };
  }

  async diff(id: string, olds: ResourceOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    await this.confirmRecorded(olds);
    // Only this kind's inputs: olds are outputs, where e.g. an export's operationName is an output.
    const replaces: string[] = KIND_INPUTS[this.kind].filter((key) => !sameInput(key, olds[key], news[key]));
    // A waited-for operation that ended badly is started again on the next update.
    if (news.waitFor === "done" && (await this.endedBadly(id, olds))) replaces.push("waitFor");
    if (replaces.length > 0) this.warnIrreversible(news);
    const updates = SETTING_INPUTS.filter((key) => !sameValue(olds[key], news[key]));
    return {
      changes: replaces.length > 0 || updates.length > 0,
      replaces,
      // The old operation must be cancelled and over before its replacement starts.
      deleteBeforeReplace: true,
    };
  }

  /** Import and bulk delete cannot be undone: a warning for each planned one (provider/irreversible.ts). */
  private warnIrreversible(inputs: Record<string, unknown>): void {
    const resourceUrn = typeof inputs.resourceUrn === "string" ? inputs.resourceUrn : undefined;
    const warning = irreversibleWarning(this.kind, inputs, resourceLabel(resourceUrn));
    if (warning) this.context().reporter.warn(warning, resourceUrn);
  }

  async create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ResourceOutputs>> {
    const inputs = raw as unknown as ProviderInputs;
    const { client, reporter, journal } = this.context();
    const label = resourceLabel(inputs.resourceUrn);
    let view: OperationView;
    const request = startRequest(this.kind, inputs);
    // timeouts.create bounds the start step (the start request and the lookup after an ambiguous one), and the
    // wait step's wait on its own.
    const deadline = Deadline.after(
      parseDuration(inputs.timeouts?.create ?? DEFAULT_TIMEOUTS.create, "timeouts.create"),
      "timeouts.create",
    );
    if (!request) {
      view = await client.get(inputs.operationName as string, { signal: deadline.signal });
      reporter.info(`${label}: adopted ${view.name}: ${describeProgress(view)}`);
    } else {
      view = await startOnce(
        { client, reporter, journal, deadline },
        inputs.resourceUrn,
        inputs.database,
        request,
        label,
      ).catch((error: unknown) => {
        throw withStartDiagnosis(error, this.kind, inputs);
      });
      reporter.info(`${label}: started ${view.name} (${view.metadataType})`);
    }
    // Returns at once: the id is in the stack's state before anything waits (waitFor "done" is the job of the
    // resource's wait step, see provider/wait-provider.ts).
    return { id: view.name, outs: { ...inputs, ...liveOutputs(view) } };
  }

  async read(id: string, props?: ResourceOutputs): Promise<pulumi.dynamic.ReadResult<ResourceOutputs>> {
    const { reporter } = this.context();
    if (props) await this.confirmRecorded(props);
    const refreshed = await refreshOutputs(this.context(), id, props);
    reporter.info(`${resourceLabel(props?.resourceUrn)}: ${refreshLine(props, refreshed)}`);
    return { id, props: refreshed, ...(props ? { inputs: inputsOf(this.kind, props) } : {}) };
  }

  async update(
    _id: string,
    olds: ResourceOutputs,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult<ResourceOutputs>> {
    // Only settings changed (diff replaces on anything else): keep every output.
    return { outs: withoutRetiredOutputs({ ...olds, ...(news as unknown as ProviderInputs) }) };
  }

  async delete(id: string, props: ResourceOutputs): Promise<void> {
    const { client, reporter, journal } = this.context();
    const name = id;
    const label = resourceLabel(props.resourceUrn);
    if (props.resourceUrn) await journal?.remove(props.resourceUrn, name);
    // Done is final: an operation the state saw end needs no request at all.
    if (props.done === true) {
      reporter.info(`${label}: ${short(name)} already ended ${props.state}; nothing to cancel.`);
      return;
    }
    // timeouts.delete bounds the cancel, the read after it and the wait.
    const timeoutMs = parseDuration(props.timeouts?.delete ?? DEFAULT_TIMEOUTS.delete, "timeouts.delete");
    const deadline = Deadline.after(timeoutMs, "timeouts.delete");
    const timeoutText = props.timeouts?.delete ?? DEFAULT_TIMEOUTS.delete;
    const rerun = '"pulumi destroy" (or the same "pulumi up")';
    const status = progressStatus(reporter);
    /** One we were asked to cancel is waited for: the resource leaves the stack only once its operation is over. */
    const waitOver = (purpose: string, note: string, initial?: OperationView) =>
      waitUntilDone(
        client,
        name,
        {
          deadline,
          purpose,
          onChange: (v) => status(v.state, `${label}: ${describeProgress(v)} (${note}); ${CTRL_C_HINT}`),
        },
        initial,
      );

    // Known not to be cancellable (a database restore): no cancel is sent, and nothing claims one was.
    const notCancellableReason = notCancellable(props.operationType ?? "");
    if (notCancellableReason) {
      let view: OperationView;
      try {
        view = await client.get(name, { signal: deadline.signal });
      } catch (error) {
        if (await provesGone(client, name, error)) {
          reporter.info(`${label}: ${name} no longer exists; nothing to wait for.`);
          return;
        }
        if (isNotFound(error)) throw new ApiRequestError(unprovenNotFound(name, error), 404, undefined, false);
        throw error;
      }
      if (view.done) {
        reporter.info(`${label}: ${short(name)} already ended ${view.state}; nothing to cancel.`);
        return;
      }
      reporter.info(
        `${label}: ${short(name)} is not cancelled: ${notCancellableReason}, so no cancel was sent. Waiting until it is over (at most ${timeoutText}); to leave it running instead, set retainOnDelete: true. ${ctrlCDuringWait(rerun)}`,
      );
      const ended = await waitOver(
        `the ${props.operationType === "RestoreDatabaseMetadata" ? "restore" : "operation"}, which cannot be cancelled, to end (the resource stays in the stack; run the same command again to keep waiting, or set retainOnDelete: true to leave it running)`,
        "not cancellable, waiting",
        view,
      );
      reporter.info(
        `${label}: ${short(name)} ended ${ended.state}${ended.error ? ` (${ended.error.message})` : ""}; it was not cancelled (${notCancellableReason}). ${liveOutputs(ended).cancelEffects}`,
      );
      return;
    }

    let request: CancelRequest;
    try {
      request = await requestCancel(client, name, { signal: deadline.signal });
    } catch (error) {
      if (await provesGone(client, name, error)) {
        reporter.info(`${label}: ${name} no longer exists; nothing to cancel.`);
        return;
      }
      if (isNotFound(error)) throw new ApiRequestError(unprovenNotFound(name, error), 404, undefined, false);
      throw error;
    }
    if (request.result === "unimplemented") {
      throw new CancelUnimplementedError(
        `The server cannot cancel ${name} (UNIMPLEMENTED). It is still ${request.view?.state ?? props.state}. To remove it from the stack without cancelling, set the resource option retainOnDelete: true, run "pulumi up", then remove it; or wait until it finishes ("pulumi refresh" shows its state) and run "pulumi destroy" again.`,
      );
    }
    if (request.result === "ended-before") {
      reporter.info(`${label}: ${short(name)} already ended ${request.view.state}; nothing to cancel.`);
      return;
    }
    if (request.result === "refused") {
      // The server said no (FAILED_PRECONDITION) while it runs: it is not being cancelled, and we say so.
      reporter.warn(
        `${label}: the server refused to cancel ${short(name)} (${request.message}): it is not cancelled and runs on. Waiting until it is over (at most ${timeoutText}); to leave it running instead, set retainOnDelete: true.`,
      );
      const ended = await waitOver(
        "the operation the server refused to cancel to end (the resource stays in the stack; run the same command again to keep waiting)",
        "cancel refused, waiting",
        request.view,
      );
      const message = `${label}: ${name} ended ${ended.state}${ended.error ? ` (${ended.error.message})` : ""}; it was not cancelled (the server refused the cancel).`;
      if (props.onCancelLost === "fail") {
        throw new CancelLostError(
          `${message} onCancelLost is "fail": the resource stays in the stack; run the command again to remove it.`,
        );
      }
      reporter.warn(message);
      return;
    }
    if (!request.view.done) {
      reporter.info(
        `${label}: cancel sent for ${short(name)}; waiting until it is over (at most ${timeoutText}). ${ctrlCDuringWait(rerun)}`,
      );
    }
    // Starts from the view read right after the cancel: that read was the first poll.
    const ended = await waitOver(
      "the cancelled operation to end (the resource stays in the stack; run the same command again to keep waiting)",
      "cancelling",
      request.view,
    );
    const outcome = cancellationOutcome(ended);
    if (outcome === "cancelled") {
      reporter.info(
        `${label}: ${short(name)} CANCELLED after ${describeProgress(ended).replace(/^CANCELLED,? ?/, "") || "no progress"}. ${liveOutputs(ended).cancelEffects}`,
      );
      return;
    }
    const message = `${label}: ${name} ${ended.state === "SUCCESSFUL" ? "completed" : "failed"} despite the cancel (${ended.state}${ended.error ? `: ${ended.error.message}` : ""}).`;
    if (props.onCancelLost === "fail") {
      throw new CancelLostError(
        `${message} onCancelLost is "fail": the resource stays in the stack; run the command again to remove it.`,
      );
    }
    reporter.warn(message);
  }

  /** A later step saw the operation in the stack's state: the journal entry of its start has done its job. */
  private async confirmRecorded(outs: ResourceOutputs): Promise<void> {
    if (outs.resourceUrn && outs.operationName)
      await this.context().journal?.remove(outs.resourceUrn, outs.operationName);
  }

  /**
   * Whether a waited-for operation ended FAILED or CANCELLED. The stored outputs are as of the start (the wait
   * is a step of its own), so an operation not yet seen done is read once.
   */
  private async endedBadly(id: string, olds: ResourceOutputs): Promise<boolean> {
    // An operation that vanished ended; starting it again on a guess would be the second export we avoid.
    if (olds.done === true) return olds.state === "FAILED" || olds.state === "CANCELLED";
    if (!id) return false;
    try {
      const view = await this.context().client.get(id);
      return view.done && view.state !== "SUCCESSFUL";
    } catch {
      return false; // the wait step reports what is wrong; a diff must not fail on a read
    }
  }
}

/** Refresh also resets the stored inputs from what it read, so it never invents a diff (pulumi#13839). */
function inputsOf(kind: ResourceKind, props: ResourceOutputs): ResourceOutputs {
  const out: Record<string, unknown> = {};
  for (const key of [...KIND_INPUTS[kind], ...SETTING_INPUTS]) {
    if (props[key] !== undefined) out[key] = props[key];
  }
  return out as unknown as ResourceOutputs;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Collection and namespace ids are sets: a reordered list asks for the same operation. */
function sameInput(key: string, a: unknown, b: unknown): boolean {
  if (!(LIST_INPUTS as readonly string[]).includes(key) || !Array.isArray(a) || !Array.isArray(b))
    return sameValue(a, b);
  return sameValue([...a].sort(), [...b].sort());
}

/**
 * A start that Google refused because the service agent cannot use the bucket (how the sources show those
 * errors arrive): the same error, with what to do about it (provider/failure-diagnosis.ts).
 */
function withStartDiagnosis(error: unknown, kind: ResourceKind, inputs: ProviderInputs): unknown {
  if (!isApiRequestError(error) || error.ambiguous || (kind !== "export" && kind !== "import")) return error;
  const uri = kind === "export" ? inputs.outputUriPrefix : inputs.inputUriPrefix;
  const message = withDiagnosis(error.message, error, {
    direction: kind,
    ...(uri ? { uri } : {}),
    database: inputs.database,
  });
  if (message === error.message) return error;
  return new ApiRequestError(message, error.httpStatus, error.status, false, { cause: error });
}

function isNotFound(error: unknown): boolean {
  return isApiRequestError(error) && error.httpStatus === 404;
}

/**
 * The outputs a refresh stores: read live, unless the operation is done (done is final: no request). An
 * operation the API proves gone stays in the stack: the server deletes finished operations (after about 30 days)
 * and refuses to delete running ones, so one that vanished ended, whatever the stored outputs last saw (a
 * `waitFor: "done"` start step's say PROCESSING). Dropping it would make the next update start a second export;
 * so it is kept as done, with its last known outcome, or OPERATION_STATE_UNSPECIFIED when none was seen.
 */
export async function refreshOutputs(
  { client }: LifecycleContext,
  id: string,
  props: ResourceOutputs | undefined,
): Promise<ResourceOutputs> {
  if (props?.done === true) return withoutRetiredOutputs(props);
  try {
    const view = await client.get(id);
    return withoutRetiredOutputs({ ...(props as ResourceOutputs), ...liveOutputs(view) });
  } catch (error) {
    if (!(await provesGone(client, id, error))) {
      if (isNotFound(error)) throw new ApiRequestError(unprovenNotFound(id, error), 404, undefined, false);
      throw error;
    }
    if (props?.done) return props;
    return withoutRetiredOutputs({
      ...(props as ResourceOutputs),
      done: true,
      state: VANISHED_STATE,
      errorMessage: `${short(id)} no longer exists on the server (finished operations are deleted after about 30 days): it ended, with an outcome this stack never saw`,
    });
  }
}

/** The state stored for an operation that vanished before the stack saw how it ended. */
export const VANISHED_STATE = "OPERATION_STATE_UNSPECIFIED";

/** One line per refreshed operation: its state and progress, and what changed since the last refresh. */
function refreshLine(before: ResourceOutputs | undefined, after: ResourceOutputs): string {
  const now = describeProgress(viewOf(after));
  const was = before ? describeProgress(viewOf(before)) : undefined;
  const change = was === undefined ? "" : was === now ? " (unchanged)" : ` (was ${was})`;
  return `${short(after.operationName ?? "")}: ${now}${change}`;
}

function viewOf(outs: ResourceOutputs): Pick<OperationView, "state" | "documents" | "bytes"> {
  return {
    state: outs.state,
    documents: { completed: outs.documentsCompleted ?? 0, estimated: outs.documentsEstimated ?? 0 },
    bytes: { completed: outs.bytesCompleted ?? 0, estimated: outs.bytesEstimated ?? 0 },
  };
}

export function settingsFromPulumiConfig(
  config: { get(key: string): string | undefined } | undefined,
): ProviderSettings {
  return settingsFrom((key) => config?.get(key));
}

export { ApiRequestError };

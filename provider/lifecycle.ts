import type * as pulumi from "@pulumi/pulumi";
import type { FirestoreAdminClient } from "../client/admin-client";
import { createAdminClient } from "../client/create-client";
import { Deadline } from "../client/deadline";
import { parseDuration } from "../client/durations";
import { ApiRequestError, fieldOf, isApiRequestError } from "../client/errors";
import { withDiagnosis } from "../client/failure-diagnosis";
import { shortOperationId as short } from "../client/names";
import { provesGone } from "../client/operation-gone";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { inTermsOf } from "../client/setting-error";
import type { ClientSettings } from "../client/settings";
import type { TransportOptions } from "../client/transport";
import { type CheckFailure, checkInputs } from "./check";
import { pulumiSettingName } from "./config-keys";
import { cancelAndWait } from "./delete-step";
import { DEFAULT_TIMEOUTS, KIND_INPUTS, LIST_INPUTS, type ProviderInputs, SETTING_INPUTS } from "./inputs";
import { irreversibleWarning } from "./irreversible";
import type { ResourceKind } from "./kinds";
import { type LiveOutputs, liveOutputs, withoutRetiredOutputs } from "./outputs";
import { type Reporter, resourceLabel, SILENT } from "./reporter";
import { journalOwner } from "./stack-instance";
import { StartJournal } from "./start-journal";
import { startOnce } from "./start-once";
import { startRequest } from "./start-request";
import { unprovenNotFound } from "./unproven-not-found";

export type ResourceOutputs = ProviderInputs & LiveOutputs;

export interface LifecycleContext {
  settings: ClientSettings;
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** Where start POSTs are recorded before they are sent; unset for library users who start nothing. */
  journal?: StartJournal;
}

export function createContext(
  settings: ClientSettings,
  reporter: Reporter = SILENT,
  transportOptions: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
  journal: StartJournal | undefined = StartJournal.fromEnvironment(),
): LifecycleContext {
  return {
    settings,
    client: createAdminClient(settings, transportOptions).client,
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
    } catch (raw) {
      const error = inTermsOf(raw, pulumiSettingName);
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
        journalOwner(inputs),
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
    await cancelAndWait(this.context(), id, props);
  }

  /** A later step saw the operation in the stack's state: the journal entry of its start has done its job. */
  private async confirmRecorded(outs: ResourceOutputs): Promise<void> {
    const owner = journalOwner(outs);
    if (owner && outs.operationName) await this.context().journal?.remove(owner, outs.operationName);
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
      if (isNotFound(error)) throw unprovenNotFound(id, error);
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

export { ApiRequestError };

import type * as pulumi from "@pulumi/pulumi";
import { Deadline } from "../client/deadline";
import { parseDuration } from "../client/durations";
import { ApiRequestError, fieldOf } from "../client/errors";
import { withDiagnosis } from "../client/failure-diagnosis";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import { inTermsOf } from "../client/setting-error";
import { cancelAndWait } from "./cancel-and-wait";
import { checkInputs } from "./check";
import { type ConfigKeys, PULUMI_CONFIG_KEYS } from "./config-keys";
import type { LifecycleContext } from "./context";
import { DEFAULT_TIMEOUTS, KIND_INPUTS, type ProviderInputs, SETTING_INPUTS } from "./inputs";
import { irreversibleWarning } from "./irreversible";
import type { ResourceKind } from "./kinds";
import { liveOutputs, type ResourceOutputs, withoutRetiredOutputs } from "./outputs";
import { inputsOf, refreshLine, refreshOutputs } from "./refresh";
import { resourceLabel } from "./reporter";
import { sameInput, sameValue } from "./same-input";
import { journalOwner } from "./stack-instance";
import { startOnce } from "./start-once";
import { startRequest } from "./start-request";

/**
 * The provider methods of the start step, for each of the four operation kinds (export, import, bulk delete,
 * adopted operation). Every method here runs in the dynamic provider process, loaded by the serialized shim from
 * the installed package (provider/runtime.ts).
 */
export class OperationsProvider implements pulumi.dynamic.ResourceProvider<Record<string, unknown>, ResourceOutputs> {
  constructor(
    private readonly kind: ResourceKind,
    private readonly context: () => LifecycleContext,
    /** The front door's config keys: check names the project's. */
    private readonly keys: ConfigKeys = PULUMI_CONFIG_KEYS,
  ) {}

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    let project: string | undefined;
    try {
      project = this.context().settings.project;
    } catch (raw) {
      const error = inTermsOf(raw, (setting) => this.keys[setting]);
      const field = fieldOf(error);
      const reason = field ? (error as { rule: string }).rule : (error as Error).message;
      // Only this: input checks that need the configuration (the project) would report its absence.
      return { inputs: news, failures: [{ property: field ?? "(provider configuration)", reason }] };
    }
    const result = checkInputs(this.kind, news, project, Date.now(), this.keys.project);
    // No old inputs: a planned create. Nothing is started here; preview says what the create cannot undo.
    if (result.failures.length === 0 && Object.keys(_olds ?? {}).length === 0) this.warnIrreversible(result.inputs);
    return { inputs: result.inputs, failures: result.failures };
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
    const { client, reporter, journal, quotaGates } = this.context();
    const label = resourceLabel(inputs.resourceUrn);
    let view: OperationView;
    const request = startRequest(this.kind, inputs);
    // timeouts.create bounds the start step (the start request and the lookup after an ambiguous one), and the
    // wait step's wait on its own.
    const deadline = Deadline.after(
      parseDuration(inputs.timeouts?.create ?? DEFAULT_TIMEOUTS.create, "timeouts.create"),
      "timeouts.create",
      undefined,
      client.clock,
    );
    if (!request) {
      view = await client.get(inputs.operationName as string, { signal: deadline.signal });
      reporter.info(`${label}: adopted ${view.name}: ${describeProgress(view)}`);
    } else {
      view = await startOnce(
        { client, reporter, journal, quotaGates, deadline },
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

  /** A later provider method saw the operation in the stack's state: the journal entry of its start has done its job. */
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

/**
 * A start that Google refused because the service agent cannot use the bucket (how the sources show those
 * errors arrive): the same error, with what to do about it (client/failure-diagnosis.ts).
 */
function withStartDiagnosis(error: unknown, kind: ResourceKind, inputs: ProviderInputs): unknown {
  if (!(error instanceof ApiRequestError) || error.ambiguous || (kind !== "export" && kind !== "import")) return error;
  const uri = kind === "export" ? inputs.outputUriPrefix : inputs.inputUriPrefix;
  const message = withDiagnosis(error.message, error, {
    direction: kind,
    ...(uri ? { uri } : {}),
    database: inputs.database,
  });
  if (message === error.message) return error;
  return new ApiRequestError(message, {
    httpStatus: error.httpStatus,
    status: error.status,
    ambiguous: false,
    cause: error,
  });
}

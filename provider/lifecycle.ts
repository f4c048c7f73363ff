import type * as pulumi from "@pulumi/pulumi";
import { FirestoreAdminClient } from "./admin-client";
import { findStartedOperation } from "./ambiguous-start";
import { createAuthHeaders } from "./auth-headers";
import { type CancelRequest, requestCancel } from "./cancel-request";
import { type CheckFailure, checkInputs } from "./check";
import { Deadline } from "./deadline";
import { parseDuration } from "./durations";
import { ApiRequestError, CancelLostError, CancelUnimplementedError, fieldOf, isApiRequestError } from "./errors";
import { KIND_INPUTS, type ProviderInputs, type ResourceKind, SETTING_INPUTS, startRequest } from "./kinds";
import type { OperationView } from "./operation-view";
import { cancellationOutcome, describeProgress, type LiveOutputs, liveOutputs } from "./outputs";
import { redactorFor } from "./redaction";
import { progressStatus, type Reporter, SILENT } from "./reporter";
import { type ProviderSettings, settingsFrom } from "./settings";
import { startDeadline } from "./start-deadline";
import { Transport, type TransportOptions } from "./transport";
import { waitUntilDone } from "./wait";

export type ResourceOutputs = ProviderInputs & LiveOutputs;

export interface LifecycleContext {
  settings: ProviderSettings;
  client: FirestoreAdminClient;
  reporter: Reporter;
}

export function createContext(
  settings: ProviderSettings,
  reporter: Reporter = SILENT,
  transportOptions: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
): LifecycleContext {
  const transport = new Transport({
    auth: createAuthHeaders(settings),
    redactor: redactorFor(settings),
    ...(settings.userProject ? { userProject: settings.userProject } : {}),
    ...transportOptions,
  });
  return { settings, client: new FirestoreAdminClient(transport, settings.endpoint), reporter };
}

/** An error the dynamic provider host turns into an initialization failure: the resource stays in state. */
class InitializationFailure extends Error {
  constructor(
    readonly id: string,
    readonly properties: ResourceOutputs,
    readonly reasons: string[],
  ) {
    super(reasons.join("; "));
  }
}

const short = (name: string): string => name.slice(name.lastIndexOf("/") + 1);

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
    return { inputs: result.inputs, failures: [...failures, ...result.failures] };
  }

  async diff(_id: string, olds: ResourceOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    // Only this kind's inputs: olds are outputs, where e.g. an export's operationName is an output.
    const replaces: string[] = KIND_INPUTS[this.kind].filter((key) => !sameValue(olds[key], news[key]));
    // A waited-for operation that ended badly is started again on the next update.
    if (news.waitFor === "done" && olds.done === true && olds.state !== "SUCCESSFUL") replaces.push("waitFor");
    const updates = SETTING_INPUTS.filter((key) => !sameValue(olds[key], news[key]));
    return {
      changes: replaces.length > 0 || updates.length > 0,
      replaces,
      // The old operation must be cancelled and over before its replacement starts.
      deleteBeforeReplace: true,
    };
  }

  async create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ResourceOutputs>> {
    const inputs = raw as unknown as ProviderInputs;
    const { client, reporter } = this.context();
    let view: OperationView;
    const request = startRequest(this.kind, inputs);
    // timeouts.create bounds all of create: the start request, the lookup after an ambiguous one, the wait.
    const deadline = Deadline.after(
      parseDuration(inputs.timeouts?.create ?? "2h", "timeouts.create"),
      "timeouts.create",
    );
    if (!request) {
      view = await client.get(inputs.operationName as string, { signal: deadline.signal });
      reporter.info(`Adopted ${view.name}: ${describeProgress(view)}`);
    } else {
      const sentAt = Date.now();
      try {
        const signal = startDeadline(deadline).signal;
        view = await client.start(request.method, inputs.database, request.body, { signal });
      } catch (error) {
        if (!isApiRequestError(error) || !error.ambiguous) throw error;
        reporter.warn(`${error.message}; looking for the operation it may have started before trying anything else`);
        view = await findStartedOperation(client, inputs.database, request, sentAt, error, { signal: deadline.signal });
        reporter.info(`Found the operation the failed request started: ${view.name}`);
      }
      reporter.info(`Started ${view.name} (${view.metadataType})`);
    }
    let outs: ResourceOutputs = { ...inputs, ...liveOutputs(view) };
    if (inputs.waitFor === "done") outs = await this.waitForDone(view.name, outs, view, deadline);
    return { id: view.name, outs };
  }

  async read(id: string, props?: ResourceOutputs): Promise<pulumi.dynamic.ReadResult<ResourceOutputs>> {
    const { client } = this.context();
    try {
      const view = await client.get(id);
      const cancellation = props?.cancellation && props.cancellation !== "none" ? cancellationOutcome(view) : "none";
      const outs = { ...(props as ResourceOutputs), ...liveOutputs(view, cancellation) };
      return { id, props: outs, ...(props ? { inputs: inputsOf(this.kind, props) } : {}) };
    } catch (error) {
      if (!isApiRequestError(error) || error.httpStatus !== 404) throw error;
      // Finished operations are garbage-collected after 30 days: keep the last known outcome, so that the
      // next update does not start a new export. An unfinished operation that vanished is gone.
      if (props?.done) return { id, props, inputs: inputsOf(this.kind, props) };
      return { id: "" } as pulumi.dynamic.ReadResult<ResourceOutputs>;
    }
  }

  async update(
    id: string,
    olds: ResourceOutputs,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult<ResourceOutputs>> {
    // Only settings changed (diff replaces on anything else). Keep every output; resume a wait if asked.
    const outs: ResourceOutputs = { ...olds, ...(news as unknown as ProviderInputs) };
    if (outs.waitFor === "done" && !olds.done) return { outs: await this.waitForDone(id, outs) };
    return { outs };
  }

  async delete(id: string, props: ResourceOutputs): Promise<void> {
    const { client, reporter } = this.context();
    const name = id;
    // Done is final: an operation the state saw end needs no request at all.
    if (props.done === true) {
      reporter.info(`${short(name)} already ended ${props.state}; nothing to cancel.`);
      return;
    }
    // timeouts.delete bounds the cancel, the read after it and the wait.
    const timeoutMs = parseDuration(props.timeouts?.delete ?? "30m", "timeouts.delete");
    const deadline = Deadline.after(timeoutMs, "timeouts.delete");
    let request: CancelRequest;
    try {
      request = await requestCancel(client, name, { signal: deadline.signal });
    } catch (error) {
      if (isApiRequestError(error) && error.httpStatus === 404) {
        reporter.info(`${name} no longer exists; nothing to cancel.`);
        return;
      }
      throw error;
    }
    if (request.result === "unimplemented") {
      throw new CancelUnimplementedError(
        `The server cannot cancel ${name} (UNIMPLEMENTED). It is still ${request.view?.state ?? props.state}. To remove it from the stack without cancelling, set the resource option retainOnDelete: true, run "pulumi up", then remove it; or wait until it finishes ("pulumi refresh" shows its state) and run "pulumi destroy" again.`,
      );
    }
    if (request.result === "ended-before") {
      reporter.info(`${short(name)} already ended ${request.view.state}; nothing to cancel.`);
      return;
    }
    if (!request.view.done) reporter.info(`Cancel sent for ${short(name)}; waiting until it is over.`);
    const status = progressStatus(reporter);
    // Starts from the view read right after the cancel: that read was the first poll.
    const ended = await waitUntilDone(
      client,
      name,
      {
        deadline,
        purpose:
          "the cancelled operation to end (the resource stays in the stack; run the same command again to keep waiting)",
        onChange: (v) => status(v.state, `${short(name)}: ${describeProgress(v)}`),
      },
      request.view,
    );
    const outcome = cancellationOutcome(ended);
    if (outcome === "cancelled") {
      reporter.info(
        `${short(name)} CANCELLED after ${describeProgress(ended).replace(/^CANCELLED,? ?/, "") || "no progress"}. ${liveOutputs(ended).cancelEffects}`,
      );
      return;
    }
    const message = `${name} ${ended.state === "SUCCESSFUL" ? "completed" : "failed"} despite the cancel (${ended.state}${ended.error ? `: ${ended.error.message}` : ""}).`;
    if (props.onCancelLost === "fail") {
      throw new CancelLostError(
        `${message} onCancelLost is "fail": the resource stays in the stack; run the command again to remove it.`,
      );
    }
    reporter.warn(message);
  }

  private async waitForDone(
    name: string,
    outs: ResourceOutputs,
    initial?: OperationView,
    deadline = Deadline.after(parseDuration(outs.timeouts?.create ?? "2h", "timeouts.create"), "timeouts.create"),
  ): Promise<ResourceOutputs> {
    const { client, reporter } = this.context();
    const status = progressStatus(reporter);
    let view: OperationView;
    try {
      view = await waitUntilDone(
        client,
        name,
        {
          deadline,
          purpose: 'the operation to finish (waitFor: "done")',
          onChange: (v) => status(v.state, `${short(name)}: ${describeProgress(v)}`),
        },
        initial,
      );
    } catch (error) {
      // Whatever went wrong while waiting, the operation exists: keep it in state.
      throw new InitializationFailure(name, outs, [(error as Error).message]);
    }
    const finished: ResourceOutputs = { ...outs, ...liveOutputs(view) };
    if (view.state !== "SUCCESSFUL") {
      throw new InitializationFailure(name, finished, [
        `${name} ended ${view.state}${view.error ? ` (code ${view.error.code}: ${view.error.message})` : ""}; the next update starts it again.`,
      ]);
    }
    reporter.info(`${short(name)} finished: ${describeProgress(view)}`);
    return finished;
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

export function settingsFromPulumiConfig(
  config: { get(key: string): string | undefined } | undefined,
): ProviderSettings {
  return settingsFrom((key) => config?.get(key));
}

export { ApiRequestError };

import type * as pulumi from "@pulumi/pulumi";
import { parseDuration } from "../client/durations";
import { diagnoseOperation, diagnosisText } from "../client/failure-diagnosis";
import { shortOperationId } from "../client/names";
import type { OperationView } from "../client/operation-view";
import { estimateText, ProgressEstimator } from "../client/progress-estimate";
import { describeProgress } from "../client/progress-text";
import { waitUntilDone } from "../client/wait";
import type { LifecycleContext } from "./context";
import { InitializationFailure } from "./initialization-failure";
import { DEFAULT_TIMEOUTS } from "./inputs";
import { liveOutputs, type ResourceOutputs } from "./outputs";
import { refreshOutputs } from "./refresh";
import { ctrlCDuringWait, progressStatus, resourceLabel, waitProgressLine } from "./reporter";

/** What the wait step of a `waitFor: "done"` resource stores. */
export interface WaitInputs {
  /** The operation the resource's start step recorded. */
  operationName: string;
  timeouts?: { create?: string };
  resourceUrn?: string;
}

/**
 * The wait of a `waitFor: "done"` resource, as a step of its own after the start step. The engine checkpoints
 * the start step (the operation's name) as soon as it returns, so a run killed during this wait leaves the
 * operation recorded; the wait itself is a pending create with no id, and the next `pulumi up` simply waits
 * again. Dependents of the resource depend on this step, so they still wait until the operation is done.
 * Destroying it does nothing: the start step cancels.
 */
export class WaitProvider implements pulumi.dynamic.ResourceProvider<Record<string, unknown>, ResourceOutputs> {
  constructor(private readonly context: () => LifecycleContext) {}

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return { inputs: news };
  }

  async diff(_id: string, olds: ResourceOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.operationName === news.operationName ? [] : ["operationName"];
    const timeoutChanged = JSON.stringify(olds.timeouts ?? null) !== JSON.stringify(news.timeouts ?? null);
    return { changes: replaces.length > 0 || timeoutChanged, replaces, deleteBeforeReplace: true };
  }

  async create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ResourceOutputs>> {
    const inputs = raw as unknown as WaitInputs;
    return { id: inputs.operationName, outs: await this.waitForDone(inputs, inputs as unknown as ResourceOutputs) };
  }

  async read(id: string, props?: ResourceOutputs): Promise<pulumi.dynamic.ReadResult<ResourceOutputs>> {
    const refreshed = await refreshOutputs(this.context(), id, props);
    return { id, props: refreshed, ...(props ? { inputs: waitInputsOf(props) } : {}) };
  }

  /** Also what the engine calls for a wait that failed before (an initialization failure): wait again. */
  async update(
    _id: string,
    olds: ResourceOutputs,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult<ResourceOutputs>> {
    return { outs: await this.waitForDone(news as unknown as WaitInputs, olds) };
  }

  async delete(_id: string, _props: ResourceOutputs): Promise<void> {}

  private async waitForDone(inputs: WaitInputs, known: ResourceOutputs): Promise<ResourceOutputs> {
    const { client, reporter, stopWaiting } = this.context();
    const stoppable = stopWaiting !== undefined;
    const name = inputs.operationName;
    const label = resourceLabel(inputs.resourceUrn);
    const limit = inputs.timeouts?.create ?? DEFAULT_TIMEOUTS.create;
    const outs = { ...known, ...inputs } as ResourceOutputs;
    const status = progressStatus(reporter);
    const estimator = new ProgressEstimator();
    let announced = false;
    let view: Awaited<ReturnType<typeof waitUntilDone>>;
    try {
      view = await waitUntilDone(client, name, {
        timeoutMs: parseDuration(limit, "timeouts.create"),
        ...(stopWaiting ? { signal: stopWaiting } : {}),
        purpose: 'the operation to finish (waitFor: "done")',
        onChange: (v) => {
          if (!announced && !v.done) {
            announced = true;
            reporter.info(
              `${label}: waiting for ${shortOperationId(name)} to finish (at most ${limit}). ${ctrlCDuringWait('"pulumi up"', stoppable)}`,
            );
          }
          estimator.add(v);
          const estimate = v.done ? "" : `; ${estimateText(estimator.estimate())}`;
          status(v.state, waitProgressLine(v.done, `${label}: ${describeProgress(v)}${estimate}`, stoppable));
        },
      });
    } catch (error) {
      // Whatever went wrong while waiting (the engine's Cancel included), the operation exists and is recorded by
      // the start step: keep this step too, so the next update waits again.
      const reason = stopWaiting?.aborted
        ? `Stopped waiting for ${name} (Ctrl-C): it keeps running and stays recorded in the stack; the next "pulumi up" waits again.`
        : (error as Error).message;
      throw new InitializationFailure(name, outs, [reason]);
    }
    const finished: ResourceOutputs = { ...outs, ...liveOutputs(view) };
    if (view.state !== "SUCCESSFUL") {
      throw new InitializationFailure(name, finished, [failedLine(view)]);
    }
    reporter.info(`${label}: ${shortOperationId(name)} finished: ${describeProgress(view)}`);
    return finished;
  }
}

/** An operation that ended FAILED or CANCELLED, with the fix when the bucket was the problem. */
function failedLine(view: OperationView): string {
  const diagnosis = diagnoseOperation(view);
  const error = view.error ? ` (code ${view.error.code}: ${view.error.message})` : "";
  const line = `${view.name} ended ${view.state}${error}; the next "pulumi up" starts it again.`;
  return diagnosis ? `${line} ${diagnosisText(diagnosis)}` : line;
}

/**
 * The wait step's inputs as its stored outputs hold them. `timeouts` is absent when the resource declared none:
 * the start step's input is then not an output of the start step, and the wait step takes the default.
 */
function waitInputsOf(props: ResourceOutputs): ResourceOutputs {
  const { operationName, timeouts, resourceUrn } = props;
  return {
    operationName,
    ...(timeouts ? { timeouts } : {}),
    ...(resourceUrn ? { resourceUrn } : {}),
  } as ResourceOutputs;
}

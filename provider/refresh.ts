import { ApiRequestError } from "../client/errors";
import { shortOperationId } from "../client/names";
import { provesGone } from "../client/operation-gone";
import type { OperationView } from "../client/operation-view";
import { describeProgress } from "../client/progress-text";
import type { LifecycleContext } from "./context";
import { KIND_INPUTS, SETTING_INPUTS } from "./inputs";
import type { ResourceKind } from "./kinds";
import { liveOutputs, type ResourceOutputs, withoutRetiredOutputs } from "./outputs";
import { unprovenNotFound } from "./unproven-not-found";

/** The state stored for an operation that vanished before the stack saw how it ended. */
export const VANISHED_STATE = "OPERATION_STATE_UNSPECIFIED";

/**
 * The outputs a refresh stores, for the start step and the wait step alike: read live, unless the operation is
 * done (done is final: no request). An operation the API proves gone stays in the stack: the server deletes
 * finished operations (after about 30 days) and refuses to delete running ones, so one that vanished ended,
 * whatever the stored outputs last saw (a `waitFor: "done"` start step's say PROCESSING). Dropping it would make
 * the next update start a second export; so it is kept as done, with its last known outcome, or
 * OPERATION_STATE_UNSPECIFIED when none was seen.
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
      errorMessage: `${shortOperationId(id)} no longer exists on the server (finished operations are deleted after about 30 days): it ended, with an outcome this stack never saw`,
    });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiRequestError && error.httpStatus === 404;
}

/** Refresh also resets the stored inputs from what it read, so it never invents a diff (pulumi#13839). */
export function inputsOf(kind: ResourceKind, props: ResourceOutputs): ResourceOutputs {
  const out: Record<string, unknown> = {};
  for (const key of [...KIND_INPUTS[kind], ...SETTING_INPUTS]) {
    if (props[key] !== undefined) out[key] = props[key];
  }
  return out as unknown as ResourceOutputs;
}

/** One line per refreshed operation: its state and progress, and what changed since the last refresh. */
export function refreshLine(before: ResourceOutputs | undefined, after: ResourceOutputs): string {
  const now = describeProgress(viewOf(after));
  const was = before ? describeProgress(viewOf(before)) : undefined;
  const change = was === undefined ? "" : was === now ? " (unchanged)" : ` (was ${was})`;
  return `${shortOperationId(after.operationName ?? "")}: ${now}${change}`;
}

function viewOf(outs: ResourceOutputs): Pick<OperationView, "state" | "documents" | "bytes"> {
  return {
    state: outs.state,
    documents: { completed: outs.documentsCompleted ?? 0, estimated: outs.documentsEstimated ?? 0 },
    bytes: { completed: outs.bytesCompleted ?? 0, estimated: outs.bytesEstimated ?? 0 },
  };
}

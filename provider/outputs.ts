import { cancelEffects } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import { percentDone } from "../client/progress-text";

/**
 * Outputs earlier releases stored that are no longer kept. `cancellation` (0.1.0) could never leave "none": the
 * steps that cancel (delete) cannot write outputs, so it is gone rather than wrong.
 */
const RETIRED_OUTPUTS = ["cancellation"] as const;

/** Live facts about the operation, stored next to the inputs. */
export interface LiveOutputs {
  operationName: string;
  /** Short metadata type: ExportDocumentsMetadata, IndexOperationMetadata, ... */
  operationType: string;
  state: string;
  done: boolean;
  documentsCompleted: number;
  documentsEstimated: number;
  bytesCompleted: number;
  bytesEstimated: number;
  /**
   * Percent done (0-100): of the estimated documents, or a restore's or clone's own progressPercentage; absent
   * when the server gave no estimate.
   */
  progressPercent?: number;
  startTime?: string;
  endTime?: string;
  /** Export: the prefix actually written to (a bucket-only prefix gets a generated folder). */
  resolvedOutputUriPrefix?: string;
  errorCode?: number;
  errorMessage?: string;
  /** What a cancel leaves behind for this operation type: cancel is not rollback. */
  cancelEffects: string;
}

export function liveOutputs(view: OperationView): LiveOutputs {
  const out: LiveOutputs = {
    operationName: view.name,
    operationType: view.metadataType,
    state: view.state,
    done: view.done,
    documentsCompleted: view.documents?.completed ?? 0,
    documentsEstimated: view.documents?.estimated ?? 0,
    bytesCompleted: view.bytes?.completed ?? 0,
    bytesEstimated: view.bytes?.estimated ?? 0,
    cancelEffects: cancelEffects(view.metadataType, view.outputUriPrefix),
  };
  const percent = percentDone(view);
  if (percent !== undefined) out.progressPercent = percent;
  if (view.startTime) out.startTime = view.startTime;
  if (view.endTime) out.endTime = view.endTime;
  if (view.metadataType === "ExportDocumentsMetadata" && view.outputUriPrefix)
    out.resolvedOutputUriPrefix = view.outputUriPrefix;
  if (view.error) {
    out.errorCode = view.error.code;
    out.errorMessage = view.error.message;
  }
  return out;
}

/** Drops what earlier releases stored and this one no longer keeps. */
export function withoutRetiredOutputs<T extends object>(outs: T): T {
  const copy = { ...outs } as Record<string, unknown>;
  for (const key of RETIRED_OUTPUTS) delete copy[key];
  return copy as T;
}

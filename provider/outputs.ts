import type { OperationView } from "../client/operation-view";
import { formatBytes, formatCount } from "../client/quantities";
import { cancelEffects } from "./kinds";

/** How a cancel ended ("none": nothing was sent): what destroy, replace and `firestore-ops cancel` report. */
export type Cancellation = "none" | "requested" | "cancelled" | "completed-despite-cancel" | "failed-despite-cancel";

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
  const basis = view.documents?.estimated ? view.documents : view.percentage;
  if (basis?.estimated) {
    out.progressPercent = Math.min(100, Math.floor((basis.completed / basis.estimated) * 1000) / 10);
  }
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

/** The outcome of a cancel, once the operation is done. */
export function cancellationOutcome(view: OperationView): Cancellation {
  if (!view.done) return "requested";
  if (view.state === "CANCELLED") return "cancelled";
  return view.state === "SUCCESSFUL" ? "completed-despite-cancel" : "failed-despite-cancel";
}

/** Drops what earlier releases stored and this one no longer keeps. */
export function withoutRetiredOutputs<T extends object>(outs: T): T {
  const copy = { ...outs } as Record<string, unknown>;
  for (const key of RETIRED_OUTPUTS) delete copy[key];
  return copy as T;
}

/** One line for logs: `PROCESSING 4,200/26,200 documents (16.0%), 1.9 MB/12.8 MB`. */
export function describeProgress(
  view: Pick<OperationView, "state" | "documents" | "bytes"> & Pick<Partial<OperationView>, "percentage">,
): string {
  const parts: string[] = [];
  // Restore and clone report only a percentage (of the estimated time, per operation.proto).
  if (view.percentage?.estimated && !view.documents?.estimated) {
    const pct = Math.min(100, (view.percentage.completed / view.percentage.estimated) * 100);
    parts.push(`${pct.toFixed(0)}% done`);
  }
  const docs = view.documents;
  if (docs?.estimated && docs.completed > docs.estimated) {
    // The server's estimates can be low (completed overtakes them): say so rather than print 122.7%.
    parts.push(`${formatCount(docs.completed)} documents (over the estimate of ${formatCount(docs.estimated)})`);
  } else if (docs?.estimated) {
    const pct = ((docs.completed / docs.estimated) * 100).toFixed(1);
    parts.push(`${formatCount(docs.completed)}/${formatCount(docs.estimated)} documents (${pct}%)`);
  }
  const bytes = view.bytes;
  if (bytes?.estimated && bytes.completed > bytes.estimated) {
    parts.push(`${formatBytes(bytes.completed)} (over the estimate of ${formatBytes(bytes.estimated)})`);
  } else if (bytes?.estimated) parts.push(`${formatBytes(bytes.completed)}/${formatBytes(bytes.estimated)}`);
  return parts.length ? `${view.state} ${parts.join(", ")}` : view.state;
}

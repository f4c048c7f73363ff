import type * as pulumi from "@pulumi/pulumi";
import { cancelEffects } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import { percentDone } from "../client/progress-text";
import type { ProviderInputs } from "./inputs";

/**
 * Live facts about the operation, stored next to the inputs and refreshed by create, update and refresh. The one
 * declaration of the outputs: the resources' output fields and OUTPUT_NAMES are derived from it.
 */
export interface LiveOutputs {
  /** Full operation name (also the id of the start step). @example "projects/p/databases/(default)/operations/AS..." */
  operationName: string;
  /** Metadata type, e.g. `ExportDocumentsMetadata` or `IndexOperationMetadata`. */
  operationType: string;
  /** OperationState as of the last create, update or refresh: PROCESSING, CANCELLING, SUCCESSFUL, FAILED, CANCELLED... */
  state: string;
  /** True once the operation finished (successfully or not). */
  done: boolean;
  /** Documents processed so far. */
  documentsCompleted: number;
  /** Documents the server estimates the operation will process. */
  documentsEstimated: number;
  /** Bytes processed so far. */
  bytesCompleted: number;
  /** Bytes the server estimates the operation will process. */
  bytesEstimated: number;
  /**
   * Percent done (0-100): of the estimated documents, or a restore's or clone's own progressPercentage; absent
   * when the server gave no estimate.
   */
  progressPercent?: number;
  /** RFC 3339 start time. */
  startTime?: string;
  /** RFC 3339 end time, once done. */
  endTime?: string;
  /** The prefix an export actually wrote to, with the generated folder when `outputUriPrefix` named only a bucket. */
  resolvedOutputUriPrefix?: string;
  /** Canonical error code (1 = CANCELLED) once the operation failed or was cancelled. */
  errorCode?: number;
  /** The error message once the operation failed or was cancelled. */
  errorMessage?: string;
  /** What cancelling leaves behind for this operation: cancel is not rollback. */
  cancelEffects: string;
}

/** What the state stores for a start or wait step: its inputs and the live outputs next to them. */
export type ResourceOutputs = ProviderInputs & LiveOutputs;

/** Every output name, each once: the object literal fails to compile if one is missing or unknown. */
export const OUTPUT_NAMES = Object.keys({
  operationName: true,
  operationType: true,
  state: true,
  done: true,
  documentsCompleted: true,
  documentsEstimated: true,
  bytesCompleted: true,
  bytesEstimated: true,
  progressPercent: true,
  startTime: true,
  endTime: true,
  resolvedOutputUriPrefix: true,
  errorCode: true,
  errorMessage: true,
  cancelEffects: true,
} satisfies Record<keyof LiveOutputs, true>) as readonly (keyof LiveOutputs)[];

/**
 * Props with every output name added, so that Pulumi registers each as an output. An output that is also an
 * input (FirestoreOperation's operationName) keeps its input value.
 */
export function withOutputNames(props: Record<string, unknown>): Record<string, unknown> {
  const out = { ...props };
  for (const name of OUTPUT_NAMES) if (!(name in out)) out[name] = undefined;
  return out;
}

/** Facts as a resource's outputs: each one always present, as an Output whose value may be undefined. */
type AsOutputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

// resolvedOutputUriPrefix is typed on FirestoreExport alone, though at run time every resource has it.
/** The outputs every Firestore operation resource has, refreshed by create, update and refresh. */
export interface OperationOutputs extends AsOutputs<Omit<LiveOutputs, "resolvedOutputUriPrefix">> {}

/** The output only an export has, typed as always set (as it was before being derived). */
export interface ExportOutputs extends AsOutputs<Required<Pick<LiveOutputs, "resolvedOutputUriPrefix">>> {}

/**
 * Outputs earlier releases stored that are no longer kept. `cancellation` (0.1.0) could never leave "none": the
 * provider method that cancels (delete) cannot write outputs, so it is gone rather than wrong.
 */
const RETIRED_OUTPUTS = ["cancellation"] as const;

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

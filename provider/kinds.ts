import type { BulkDeleteBody, ExportBody, ImportBody, StartMethod } from "../client/admin-client";

/** The four resources share one provider; the kind says which operation a resource starts (or adopts). */
export type ResourceKind = "export" | "import" | "bulkDelete" | "adopted";

export const RESOURCE_KINDS: readonly ResourceKind[] = ["export", "import", "bulkDelete", "adopted"];

/** What a provider module in state names: a resource kind, or the wait step of a `waitFor: "done"` resource. */
export type ProviderKind = ResourceKind | "wait";

/** Inputs as stored in state after `check` normalized them. */
export interface ProviderInputs {
  /** Full database name, `projects/P/databases/D`. */
  database: string;
  outputUriPrefix?: string;
  inputUriPrefix?: string;
  collectionIds?: string[];
  namespaceIds?: string[];
  snapshotTime?: string;
  /** FirestoreOperation: the full name of the operation to adopt. */
  operationName?: string;
  waitFor: "started" | "done";
  timeouts: { create: string; delete: string };
  onCancelLost: "warn" | "fail";
  /** The URN of the component users declare: names the resource in messages and keys its start journal. */
  resourceUrn?: string;
}

/** Inputs that describe the operation itself: changing one means a new operation (replace). */
export const OPERATION_INPUTS = [
  "database",
  "outputUriPrefix",
  "inputUriPrefix",
  "collectionIds",
  "namespaceIds",
  "snapshotTime",
  "operationName",
] as const;

/** Inputs that are sets of ids: order carries no meaning, so check sorts them and diff compares them as sets. */
export const LIST_INPUTS = ["collectionIds", "namespaceIds"] as const;

/** The operation inputs each kind takes (besides `project`, which check folds into `database`). */
export const KIND_INPUTS: Record<ResourceKind, readonly (typeof OPERATION_INPUTS)[number][]> = {
  export: ["database", "outputUriPrefix", "collectionIds", "namespaceIds", "snapshotTime"],
  import: ["database", "inputUriPrefix", "collectionIds", "namespaceIds"],
  bulkDelete: ["database", "collectionIds", "namespaceIds"],
  adopted: ["database", "operationName"],
};

/** Inputs that only steer how we wait; changing them never replaces. */
export const SETTING_INPUTS = ["waitFor", "timeouts", "onCancelLost"] as const;

export const DEFAULT_TIMEOUTS = { create: "2h", delete: "30m" } as const;

export interface StartRequest {
  method: StartMethod;
  body: ExportBody | ImportBody | BulkDeleteBody;
}

/** What to POST for a kind; `adopted` starts nothing. */
export function startRequest(kind: ResourceKind, inputs: ProviderInputs): StartRequest | undefined {
  const lists = {
    ...(inputs.collectionIds?.length ? { collectionIds: inputs.collectionIds } : {}),
    ...(inputs.namespaceIds?.length ? { namespaceIds: inputs.namespaceIds } : {}),
  };
  switch (kind) {
    case "export":
      return {
        method: "exportDocuments",
        body: {
          outputUriPrefix: inputs.outputUriPrefix as string,
          ...lists,
          ...(inputs.snapshotTime ? { snapshotTime: inputs.snapshotTime } : {}),
        },
      };
    case "import":
      return { method: "importDocuments", body: { inputUriPrefix: inputs.inputUriPrefix as string, ...lists } };
    case "bulkDelete":
      return { method: "bulkDeleteDocuments", body: lists };
    case "adopted":
      return undefined;
  }
}

export const METADATA_TYPE: Record<StartMethod, string> = {
  exportDocuments: "ExportDocumentsMetadata",
  importDocuments: "ImportDocumentsMetadata",
  bulkDeleteDocuments: "BulkDeleteDocumentsMetadata",
};

/**
 * Operation types that cannot be cancelled, with the source that says so: destroy sends them no cancel, says so,
 * and waits until they are over. A restore: "Once a restore operation begins, you cannot cancel the operation"
 * (https://cloud.google.com/firestore/docs/backups).
 */
const NOT_CANCELLABLE: Record<string, string> = {
  RestoreDatabaseMetadata: "a database restore cannot be cancelled once it has begun",
};

/** Why an operation of this metadata type cannot be cancelled; undefined when it can (or may) be. */
export function notCancellable(metadataType: string): string | undefined {
  return NOT_CANCELLABLE[metadataType];
}

/** Cancel is not rollback: what a cancelled operation of each type leaves behind. */
export function cancelEffects(metadataType: string, resolvedOutputUriPrefix?: string): string {
  switch (metadataType) {
    case "ExportDocumentsMetadata":
      return `Cancelling does not roll back: files already written under ${resolvedOutputUriPrefix ?? "the output prefix"} stay in the bucket (remove them, or let a lifecycle rule do it). Only an export that ended SUCCESSFUL can be imported.`;
    case "ImportDocumentsMetadata":
      return "Cancelling does not roll back: documents already imported stay written (existing documents with the same names were overwritten).";
    case "BulkDeleteDocumentsMetadata":
      return "Cancelling does not roll back: documents already deleted stay deleted (recover them with point-in-time recovery from the operation's snapshotTime).";
    case "RestoreDatabaseMetadata":
      return "A database restore cannot be cancelled: it runs until it ends, and the restored database then exists (delete it to undo the restore).";
    case "CloneDatabaseMetadata":
    case "CreateDatabaseMetadata":
      return "Cancelling does not roll back: if the operation ends despite the cancel, the new database exists (delete it to undo).";
    case "DeleteDatabaseMetadata":
      return "Cancelling does not roll back: if the delete ends despite the cancel, the database is gone (restore it from a backup or, within its retention, clone it).";
    default:
      return "Cancelling does not roll back: whatever the operation already did stays done.";
  }
}

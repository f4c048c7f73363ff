import type { StartMethod } from "./admin-client";

/**
 * The metadata types of the operations this package knows, by what a client learns of them: the short type name
 * an operation's metadata carries (`ExportDocumentsMetadata`), whether it can be cancelled, and what a cancel leaves.
 */

/** The metadata type of the operation each start method begins. */
export const METADATA_TYPE: Record<StartMethod, string> = {
  exportDocuments: "ExportDocumentsMetadata",
  importDocuments: "ImportDocumentsMetadata",
  bulkDeleteDocuments: "BulkDeleteDocumentsMetadata",
};

/**
 * The other types a database's operation list holds (operation.proto, firestore_admin.proto), each with what it
 * is, for people: index builds, single-field and TTL changes, and database creates, restores, clones, updates
 * and deletes. A type not listed here (one Google adds later) is shown by its name and handled like any operation.
 */
export const OTHER_OPERATION_TYPES: Readonly<Record<string, string>> = {
  IndexOperationMetadata: "a composite index build",
  FieldOperationMetadata: "a single-field index or TTL policy change",
  CreateDatabaseMetadata: "a database create",
  RestoreDatabaseMetadata: "a database restore from a backup",
  CloneDatabaseMetadata: "a database clone",
  UpdateDatabaseMetadata: "a database update",
  DeleteDatabaseMetadata: "a database delete",
};

/** Document operations (export, import, bulk delete): their request names collections and namespaces. */
export const DOCUMENT_OPERATION_TYPES: readonly string[] = Object.values(METADATA_TYPE);

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
    case "UpdateDatabaseMetadata":
      return "Cancelling does not roll back: if the update ends despite the cancel, the database has the new settings (update it again to undo).";
    case "IndexOperationMetadata":
      return "Cancelling stops the index build: the index is not created (create it again to retry).";
    case "FieldOperationMetadata":
      return "Cancelling does not roll back: if the change ends despite the cancel, the field has its new index or TTL configuration (patch it again to undo).";
    default:
      return "Cancelling does not roll back: whatever the operation already did stays done.";
  }
}

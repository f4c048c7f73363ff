import type { OperationKind } from "./operation";

/** The package of Firestore Admin's messages, as the `@type` of a google.protobuf.Any names it. */
export const ADMIN_TYPE_PREFIX = "type.googleapis.com/google.firestore.admin.v1";

/** `type.googleapis.com/google.firestore.admin.v1.<message>` */
export function adminTypeUrl(message: string): string {
  return `${ADMIN_TYPE_PREFIX}.${message}`;
}

/** The metadata message each kind of operation carries (firestore_admin.proto, operation.proto). */
export const METADATA_TYPE_NAMES: Readonly<Record<OperationKind, string>> = {
  export: "ExportDocumentsMetadata",
  import: "ImportDocumentsMetadata",
  bulkDelete: "BulkDeleteDocumentsMetadata",
  index: "IndexOperationMetadata",
  createDatabase: "CreateDatabaseMetadata",
  restoreDatabase: "RestoreDatabaseMetadata",
  cloneDatabase: "CloneDatabaseMetadata",
  deleteDatabase: "DeleteDatabaseMetadata",
  updateDatabase: "UpdateDatabaseMetadata",
  fieldUpdate: "FieldOperationMetadata",
};

export function metadataTypeUrl(kind: OperationKind): string {
  return adminTypeUrl(METADATA_TYPE_NAMES[kind]);
}

/** What an import answers with when it succeeds: no message of its own. */
export const EMPTY_TYPE_URL = "type.googleapis.com/google.protobuf.Empty";

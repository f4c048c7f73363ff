/** pulumi-firestore-operations: Firestore admin long-running operations as Pulumi resources. */

export type { Cancellation } from "../client/cancellation";
export {
  AmbiguousStartError,
  ApiRequestError,
  type ApiRequestErrorOptions,
  CancelUnimplementedError,
  CredentialsError,
  DeadlineExceededError,
  FirestoreOperationsError,
  InterruptedError,
  InvalidInputError,
  isApiRequestError,
  isFirestoreOperationsError,
  MalformedResponseError,
  OperationTimeoutError,
} from "../client/errors";
export type { RetryHint } from "../client/retry-hint";
export { CancelLostError } from "./cancel-lost-error";
export { UnencodableValueError } from "./engine-values";
export { FirestoreBulkDelete, type FirestoreBulkDeleteArgs } from "./firestore-bulk-delete";
export { FirestoreExport, type FirestoreExportArgs } from "./firestore-export";
export { FirestoreImport, type FirestoreImportArgs } from "./firestore-import";
export { FirestoreOperation, type FirestoreOperationArgs } from "./firestore-operation";
export { FirestoreOperationResource } from "./operation-resource";
export type { OperationOutputs } from "./outputs";
export type { DatabaseReference, OperationSettingsArgs } from "./resource-args";
export { JournalFolderError } from "./start-journal";

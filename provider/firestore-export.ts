import type * as pulumi from "@pulumi/pulumi";
import { FirestoreOperationResource } from "./operation-resource";
import type { ExportOutputs } from "./outputs";
import { type OperationSettingsArgs, resourceProps } from "./resource-args";

export interface FirestoreExportArgs extends OperationSettingsArgs {
  /**
   * Where to write: `gs://BUCKET` (a `YYYY-MM-DDTHH:MM:SS_NNNNN` folder is generated) or `gs://BUCKET/PATH`.
   * @example "gs://my-backups/nightly"
   */
  outputUriPrefix: pulumi.Input<string>;
  /**
   * Collection group ids to export, unique.
   * @default all collection groups
   * @example ["users", "orders"]
   */
  collectionIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Namespace ids (Datastore mode), unique; `""` is the default namespace.
   * @default all namespaces
   * @example [""]
   */
  namespaceIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Export a consistent snapshot at this time: a whole minute in the past, within the version retention window
   * (1 hour, or 7 days with point-in-time recovery).
   * @default unset: no consistency guarantee
   * @example "2026-05-26T10:20:00Z"
   */
  snapshotTime?: pulumi.Input<string>;
}

/**
 * A Firestore export (`exportDocuments`) as a resource. `up` starts it; `refresh` shows its progress;
 * destroy or a changed input cancels it and waits until it is over. Cancel is not rollback: a cancelled
 * export leaves its partial files in the bucket.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: adds the export's output as a field; the base constructor assigns it.
export class FirestoreExport extends FirestoreOperationResource {
  constructor(name: string, args: FirestoreExportArgs, opts?: pulumi.CustomResourceOptions) {
    const { outputUriPrefix, collectionIds, namespaceIds, snapshotTime } = args;
    const props = resourceProps(args, { outputUriPrefix, collectionIds, namespaceIds, snapshotTime });
    super("export", "FirestoreExport", name, props, opts);
  }
}

export interface FirestoreExport extends ExportOutputs {}

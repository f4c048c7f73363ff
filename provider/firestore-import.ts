import type * as pulumi from "@pulumi/pulumi";
import { FirestoreOperationResource } from "./operation-resource";
import { type OperationSettingsArgs, resourceProps } from "./resource-args";

export interface FirestoreImportArgs extends OperationSettingsArgs {
  /**
   * The folder of an export that ended SUCCESSFUL (its `resolvedOutputUriPrefix`).
   * @example "gs://my-backups/2026-05-26T10:20:00_12345"
   */
  inputUriPrefix: pulumi.Input<string>;
  /**
   * Collection group ids to import, unique.
   * @default every collection group in the export
   * @example ["users"]
   */
  collectionIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Namespace ids (Datastore mode), unique.
   * @default all namespaces
   * @example [""]
   */
  namespaceIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A Firestore import (`importDocuments`) as a resource. Destroy or a changed input cancels it and waits.
 * Cancel is not rollback: documents already imported stay written.
 */
export class FirestoreImport extends FirestoreOperationResource {
  constructor(name: string, args: FirestoreImportArgs, opts?: pulumi.CustomResourceOptions) {
    const { inputUriPrefix, collectionIds, namespaceIds } = args;
    super(
      "import",
      "FirestoreImport",
      name,
      resourceProps(args, { inputUriPrefix, collectionIds, namespaceIds }),
      opts,
    );
  }
}

import type * as pulumi from "@pulumi/pulumi";
import { FirestoreOperationResource } from "./operation-resource";
import { type OperationSettingsArgs, resourceProps } from "./resource-args";

export interface FirestoreBulkDeleteArgs extends OperationSettingsArgs {
  /**
   * Collection group ids whose documents are deleted, unique. At least one of this and `namespaceIds`.
   * @example ["sessions"]
   */
  collectionIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Namespace ids (Datastore mode), unique; with both lists, only documents matching both are deleted.
   * @example ["staging"]
   */
  namespaceIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A Firestore bulk delete (`bulkDeleteDocuments`) as a resource; consider `waitFor: "done"`. Destroy
 * cancels it. Cancel is not rollback: deleted documents stay deleted (recover them with PITR).
 */
export class FirestoreBulkDelete extends FirestoreOperationResource {
  constructor(name: string, args: FirestoreBulkDeleteArgs, opts?: pulumi.CustomResourceOptions) {
    const { collectionIds, namespaceIds } = args;
    super("bulkDelete", "FirestoreBulkDelete", name, resourceProps(args, { collectionIds, namespaceIds }), opts);
  }
}

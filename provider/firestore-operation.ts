import type * as pulumi from "@pulumi/pulumi";
import { FirestoreOperationResource } from "./operation-resource";
import { type OperationSettingsArgs, resourceProps } from "./resource-args";

export interface FirestoreOperationArgs extends OperationSettingsArgs {
  /**
   * The operation to adopt: its full name, or (like gcloud) its id together with `database`.
   * @example "projects/my-project/databases/(default)/operations/ASA2MTAw..."
   */
  operationName: pulumi.Input<string>;
}

/**
 * Adopts an operation that already exists (started by gcloud, a scheduler, an index build or a restore), so
 * that destroying the resource cancels it and waits until it is over. Dynamic resources cannot be
 * `pulumi import`ed; this resource is how an existing operation joins a stack.
 */
export class FirestoreOperation extends FirestoreOperationResource {
  constructor(name: string, args: FirestoreOperationArgs, opts?: pulumi.CustomResourceOptions) {
    super("adopted", "FirestoreOperation", name, resourceProps(args, { operationName: args.operationName }), opts);
  }
}

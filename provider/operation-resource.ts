import * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./kinds";
import { type OperationOutputs, TYPE_MODULE } from "./resource-args";
import { providerModuleText } from "./shim";

/**
 * The outputs every Firestore operation resource shares; subclasses add their inputs and a type name.
 *
 * A dynamic resource, registered as `pulumi.dynamic.Resource` registers one (type
 * `pulumi-nodejs:dynamic/firestore-operations:<Type>`, provider module in `__provider`), but with a provider
 * module we write ourselves rather than a serialized closure: see provider/shim.ts.
 */
export abstract class FirestoreOperationResource extends pulumi.CustomResource implements OperationOutputs {
  // `declare`: the base constructor sets these; a class field would overwrite them with undefined.
  /** Full operation name (also the resource id). */
  declare readonly operationName: OperationOutputs["operationName"];
  /** Metadata type, e.g. `ExportDocumentsMetadata` or `IndexOperationMetadata`. */
  declare readonly operationType: OperationOutputs["operationType"];
  /** OperationState as of the last create, update or refresh. */
  declare readonly state: OperationOutputs["state"];
  /** True once the operation finished (successfully or not). */
  declare readonly done: OperationOutputs["done"];
  /** Documents processed so far. */
  declare readonly documentsCompleted: OperationOutputs["documentsCompleted"];
  /** Documents the server estimates the operation will process. */
  declare readonly documentsEstimated: OperationOutputs["documentsEstimated"];
  /** Bytes processed so far. */
  declare readonly bytesCompleted: OperationOutputs["bytesCompleted"];
  /** Bytes the server estimates the operation will process. */
  declare readonly bytesEstimated: OperationOutputs["bytesEstimated"];
  /** Percent of estimated documents done, when the server gives an estimate. */
  declare readonly progressPercent: OperationOutputs["progressPercent"];
  /** RFC 3339 start time. */
  declare readonly startTime: OperationOutputs["startTime"];
  /** RFC 3339 end time, once done. */
  declare readonly endTime: OperationOutputs["endTime"];
  /** Canonical error code (1 = CANCELLED) once the operation failed or was cancelled. */
  declare readonly errorCode: OperationOutputs["errorCode"];
  /** The error message once the operation failed or was cancelled. */
  declare readonly errorMessage: OperationOutputs["errorMessage"];
  /** How the last cancel ended: none, requested, cancelled, completed-despite-cancel, failed-despite-cancel. */
  declare readonly cancellation: OperationOutputs["cancellation"];
  /** What cancelling leaves behind for this operation: cancel is not rollback. */
  declare readonly cancelEffects: OperationOutputs["cancelEffects"];

  protected constructor(
    kind: ResourceKind,
    typeName: string,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    // The old operation must be cancelled and over before a replacement starts.
    super(
      `pulumi-nodejs:dynamic/${TYPE_MODULE}:${typeName}`,
      name,
      { ...props, __provider: providerModuleText(kind) },
      { deleteBeforeReplace: true, ...opts },
    );
  }
}

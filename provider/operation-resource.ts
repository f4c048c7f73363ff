import * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./kinds";
import { type OperationOutputs, TYPE_MODULE } from "./resource-args";
import { serializableProvider } from "./shim";

/** The outputs every Firestore operation resource shares; subclasses add their inputs and a type name. */
export abstract class FirestoreOperationResource extends pulumi.dynamic.Resource implements OperationOutputs {
  // `declare`: the base constructor sets these; a class field would overwrite them with undefined.
  declare readonly operationName: OperationOutputs["operationName"];
  declare readonly operationType: OperationOutputs["operationType"];
  declare readonly state: OperationOutputs["state"];
  declare readonly done: OperationOutputs["done"];
  declare readonly documentsCompleted: OperationOutputs["documentsCompleted"];
  declare readonly documentsEstimated: OperationOutputs["documentsEstimated"];
  declare readonly bytesCompleted: OperationOutputs["bytesCompleted"];
  declare readonly bytesEstimated: OperationOutputs["bytesEstimated"];
  declare readonly progressPercent: OperationOutputs["progressPercent"];
  declare readonly startTime: OperationOutputs["startTime"];
  declare readonly endTime: OperationOutputs["endTime"];
  declare readonly errorCode: OperationOutputs["errorCode"];
  declare readonly errorMessage: OperationOutputs["errorMessage"];
  declare readonly cancellation: OperationOutputs["cancellation"];
  declare readonly cancelEffects: OperationOutputs["cancelEffects"];

  protected constructor(
    kind: ResourceKind,
    typeName: string,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    // The old operation must be cancelled and over before a replacement starts.
    super(serializableProvider(kind), name, props, { deleteBeforeReplace: true, ...opts }, TYPE_MODULE, typeName);
  }
}

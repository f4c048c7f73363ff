import * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./kinds";
import { type OperationOutputs, OUTPUT_NAMES, withOutputNames } from "./outputs";
import { refusePlaintextSecrets } from "./plaintext-secrets";
import { TYPE_MODULE } from "./resource-args";
import { providerModuleText } from "./shim";
import { STACK_INSTANCE_TYPE } from "./stack-instance";

/** Type of the wait step of a `waitFor: "done"` resource. Never change it: it is in users' state. */
const WAIT_TYPE = `pulumi-nodejs:dynamic/${TYPE_MODULE}:OperationWait`;

/**
 * Options that belong to the step holding the operation (start), not to the component around it. `protect` too:
 * a destroy deletes children first, so the first resource it refuses is the one the engine's error names, with
 * the `pulumi state unprotect` command for it; on the start step, that URN ends in the type and name the user
 * declared, and that one command lets the destroy through.
 */
const STEP_OPTIONS = [
  "retainOnDelete",
  "ignoreChanges",
  "replaceOnChanges",
  "additionalSecretOutputs",
  "protect",
] as const;

/**
 * The outputs every Firestore operation resource shares; subclasses add their inputs and a type name.
 *
 * A component of one or two dynamic resources, so that the operation's name reaches the stack's state before
 * anything waits:
 * - the start step (type `pulumi-nodejs:dynamic/firestore-operations:<Type>`, as in 0.1.0, which it aliases)
 *   starts or adopts the operation and returns at once; the engine checkpoints its id;
 * - with `waitFor: "done"`, a wait step (`...:OperationWait`) then waits until the operation is done. A run
 *   killed while it waits leaves the operation recorded, and the next `pulumi up` waits again.
 * Outputs come from the last step, so dependents of a `waitFor: "done"` resource wait until it is done.
 * Both steps hold a provider module we write (provider/shim.ts), not a serialized closure.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs as fields no class field initializer overwrites; the constructor assigns them all.
export abstract class FirestoreOperationResource extends pulumi.ComponentResource {
  protected constructor(
    kind: ResourceKind,
    typeName: string,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    // Before anything registers: the first dynamic resource would store the stack config in state.
    refusePlaintextSecrets();
    super(`${TYPE_MODULE}:index:${typeName}`, name, {}, componentOptions(opts));
    const stepOptions: pulumi.CustomResourceOptions = { parent: this, deleteBeforeReplace: true };
    for (const key of STEP_OPTIONS) if (opts[key] !== undefined) Object.assign(stepOptions, { [key]: opts[key] });
    if (opts.dependsOn !== undefined) stepOptions.dependsOn = opts.dependsOn;
    // The component's URN as a plain value: as an Output it would make each step depend on every child of the
    // component, itself included (a cycle once there are two steps).
    const resourceUrn = new Promise<string>((resolve) => this.urn.apply(resolve));
    // Identifies this stack instance in the start journal (provider/stack-instance.ts). Created, and so in the
    // state, before the start step, which takes its id as an input.
    const stackInstance = new Step(
      STACK_INSTANCE_TYPE,
      name,
      { __provider: providerModuleText("stackInstance") },
      { parent: this },
    );
    // The old operation must be cancelled and over before a replacement starts (deleteBeforeReplace).
    const start = new Step(
      `pulumi-nodejs:dynamic/${TYPE_MODULE}:${typeName}`,
      name,
      { ...props, resourceUrn, stackInstance: stackInstance.id, __provider: providerModuleText(kind) },
      // 0.1.0 registered this step directly under the user's parent: keep those resources (and operations).
      { ...stepOptions, aliases: [{ parent: opts.parent ?? pulumi.rootStackResource }] },
    ) as unknown as Record<string, pulumi.Output<unknown>>;
    let last = start;
    if (props.waitFor === "done") {
      const waitProps = withOutputNames({
        operationName: start.operationName,
        timeouts: start.timeouts,
        resourceUrn,
        __provider: providerModuleText("wait"),
      });
      last = new Step(WAIT_TYPE, name, waitProps, {
        ...stepOptions,
        // It holds nothing (its delete does nothing; the next up waits again): protected, it would be the first
        // resource a destroy refuses, a step the user never declared.
        protect: false,
        dependsOn: [start as unknown as pulumi.Resource],
      }) as unknown as Record<string, pulumi.Output<unknown>>;
    }
    for (const output of OUTPUT_NAMES) Object.assign(this, { [output]: last[output] });
    this.registerOutputs({});
  }
}

export interface FirestoreOperationResource extends OperationOutputs {}

/** One dynamic resource of the component (CustomResource is abstract). */
class Step extends pulumi.CustomResource {}

function componentOptions(opts: pulumi.CustomResourceOptions): pulumi.ComponentResourceOptions {
  const out: pulumi.ComponentResourceOptions = {};
  for (const key of ["parent", "aliases", "dependsOn", "transformations", "transforms"] as const) {
    if (opts[key] !== undefined) Object.assign(out, { [key]: opts[key] });
  }
  return out;
}

import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "./check";
import type { ProviderInputs } from "./inputs";
import { TYPE_MODULE } from "./resource-args";
import type { StartOwner } from "./start-journal";

/** Type of the component's StackInstance resource. Never change it: it is in users' state. */
export const STACK_INSTANCE_TYPE = `pulumi-nodejs:dynamic/${TYPE_MODULE}:StackInstance`;

/**
 * What identifies the stack instance a start journal entry belongs to: a random id that a small resource of
 * each component (this provider's) is created with, and that its start step takes as the input `stackInstance`.
 *
 * Why a resource of its own: nothing the engine gives a provider names the stack instance. A URN holds only the
 * project and stack names, which two backends (a laptop's local state and CI's; two checkouts) share, and which
 * a stack recreated after `pulumi stack rm` reuses; the stack config and the program are shared the same way. A
 * value the stack's own state holds is new for every such stack, and the same on every later run of this one.
 * It must be in the state before the start POST can be sent, or a run killed mid-start could not find its own
 * entry: the engine (pkg/resource/deploy/step_executor.go, v3.274.1) saves a step's result in the checkpoint
 * (OnResourceStepPost) before it lets the steps that depend on it go on (stepComplete), and the start step
 * depends on this resource through its input. A start step written by an older version gains the input with no
 * change (diff ignores it), so an upgrade replaces, cancels and starts nothing.
 */
export class StackInstanceProvider implements pulumi.dynamic.ResourceProvider {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return { inputs: news };
  }

  /** The id is the identity: nothing may ever replace it (a new id would orphan the stack's journal entries). */
  async diff(): Promise<pulumi.dynamic.DiffResult> {
    return { changes: false };
  }

  async create(): Promise<pulumi.dynamic.CreateResult> {
    return { id: randomUUID(), outs: {} };
  }

  async read(id: string, props?: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return { id, props: props ?? {} };
  }

  async update(_id: string, olds: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: olds };
  }

  async delete(): Promise<void> {}
}

/**
 * Whose entries in the start journal a start step's are: none without a known stack instance (a start step
 * written by an older version, or a library user's call), since a URN alone does not say which stack it is in.
 */
export function journalOwner(props: Pick<ProviderInputs, "resourceUrn" | "stackInstance">): StartOwner | undefined {
  const { resourceUrn, stackInstance } = props;
  return resourceUrn && stackInstance && stackInstance !== UNKNOWN
    ? { stack: stackInstance, resource: resourceUrn }
    : undefined;
}

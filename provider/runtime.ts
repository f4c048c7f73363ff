/**
 * The provider as the serialized shim loads it, at run time, from the installed package: fixes reach
 * resources created by older versions, and state holds only the shim.
 */
import type * as pulumi from "@pulumi/pulumi";
import { RESOURCE_KINDS, type ResourceKind } from "./kinds";
import { createContext, type LifecycleContext, OperationsProvider, settingsFromPulumiConfig } from "./lifecycle";
import { engineReporter } from "./reporter";
import type { ProviderSettings } from "./settings";

let settings: ProviderSettings | undefined;
let context: LifecycleContext | undefined;

/** Settings come from the stack config handed to configure; one dynamic provider process serves one stack. */
function currentContext(): LifecycleContext {
  context ??= createContext(settings ?? settingsFromPulumiConfig(undefined), engineReporter());
  return context;
}

const providers = new Map<ResourceKind, OperationsProvider & Pick<pulumi.dynamic.ResourceProvider, "configure">>();

export function providerFor(
  kind: ResourceKind,
): OperationsProvider & Pick<pulumi.dynamic.ResourceProvider, "configure"> {
  if (!RESOURCE_KINDS.includes(kind)) {
    throw new Error(
      `unknown Firestore operation resource kind "${String(kind)}": is the installed pulumi-firestore-operations older than the one that created this resource?`,
    );
  }
  let provider = providers.get(kind);
  if (!provider) {
    provider = Object.assign(new OperationsProvider(kind, currentContext), {
      async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
        settings = settingsFromPulumiConfig(request.config);
        context = undefined;
      },
    });
    providers.set(kind, provider);
  }
  return provider;
}

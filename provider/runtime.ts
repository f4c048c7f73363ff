/**
 * The provider as the serialized shim loads it, at run time, from the installed package: fixes reach
 * resources created by older versions, and state holds only the shim.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type ProviderKind, RESOURCE_KINDS } from "./kinds";
import { createContext, type LifecycleContext, OperationsProvider, settingsFromPulumiConfig } from "./lifecycle";
import { engineReporter } from "./reporter";
import type { ProviderSettings } from "./settings";
import { WaitProvider } from "./wait-provider";

let settings: ProviderSettings | undefined;
let context: LifecycleContext | undefined;

/** Settings come from the stack config handed to configure; one dynamic provider process serves one stack. */
function currentContext(): LifecycleContext {
  context ??= createContext(settings ?? settingsFromPulumiConfig(undefined), engineReporter());
  return context;
}

type ConfiguredProvider = (OperationsProvider | WaitProvider) & Pick<pulumi.dynamic.ResourceProvider, "configure">;
const providers = new Map<ProviderKind, ConfiguredProvider>();

export function providerFor(kind: ProviderKind): ConfiguredProvider {
  if (kind !== "wait" && !RESOURCE_KINDS.includes(kind)) {
    throw new Error(
      `unknown Firestore operation resource kind "${String(kind)}": is the installed pulumi-firestore-operations older than the one that created this resource?`,
    );
  }
  let provider = providers.get(kind);
  if (!provider) {
    const base = kind === "wait" ? new WaitProvider(currentContext) : new OperationsProvider(kind, currentContext);
    provider = Object.assign(base, {
      async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
        settings = settingsFromPulumiConfig(request.config);
        context = undefined;
      },
    });
    providers.set(kind, provider);
  }
  return provider;
}

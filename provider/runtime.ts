/**
 * The provider as the serialized shim loads it, at run time, from the installed package: fixes reach
 * resources created by older versions, and state holds only the shim.
 */
import type * as pulumi from "@pulumi/pulumi";
import { redactorFor } from "../client/redaction";
import type { ProviderSettings } from "../client/settings";
import { boundaryError } from "./boundary-error";
import { settingsFromPulumiConfig } from "./config-keys";
import { type ProviderKind, RESOURCE_KINDS } from "./kinds";
import { createContext, type LifecycleContext, OperationsProvider } from "./lifecycle";
import { engineReporter } from "./reporter";
import { WaitProvider } from "./wait-provider";

let settings: ProviderSettings | undefined;
/** A configuration problem found by configure, reported by the first step that needs the settings. */
let settingsError: unknown;
let context: LifecycleContext | undefined;

/** Settings come from the stack config handed to configure; one dynamic provider process serves one stack. */
function currentContext(): LifecycleContext {
  if (settingsError !== undefined) throw settingsError;
  context ??= createContext(settings ?? settingsFromPulumiConfig(undefined), engineReporter());
  return context;
}

type RuntimeProvider = (OperationsProvider | WaitProvider) & Pick<pulumi.dynamic.ResourceProvider, "configure">;

const providers = new Map<ProviderKind, RuntimeProvider>();

const STEPS = ["check", "diff", "create", "read", "update", "delete"] as const;

export function providerFor(kind: ProviderKind): RuntimeProvider {
  if (kind !== "wait" && !RESOURCE_KINDS.includes(kind)) {
    throw new Error(
      `unknown Firestore operation resource kind "${String(kind)}": is the installed pulumi-firestore-operations older than the one that created this resource?`,
    );
  }
  let provider = providers.get(kind);
  if (!provider) {
    const lifecycle = kind === "wait" ? new WaitProvider(currentContext) : new OperationsProvider(kind, currentContext);
    provider = Object.create(lifecycle) as RuntimeProvider;
    // configure must not throw: the host would print a stack trace. check reports the problem, with its field.
    provider.configure = async (request: pulumi.dynamic.ConfigureRequest): Promise<void> => {
      context = undefined;
      settingsError = undefined;
      try {
        settings = settingsFromPulumiConfig(request.config);
      } catch (error) {
        settings = undefined;
        settingsError = error;
      }
    };
    for (const step of STEPS) {
      const run = (lifecycle[step] as (...args: unknown[]) => Promise<unknown>).bind(lifecycle);
      Object.assign(provider, {
        [step]: async (...args: unknown[]) => {
          try {
            return await run(...args);
          } catch (error) {
            throw boundaryError(error, settings && redactorFor(settings));
          }
        },
      });
    }
    providers.set(kind, provider);
  }
  return provider;
}

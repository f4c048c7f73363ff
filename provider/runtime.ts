/**
 * The provider as the serialized shim loads it, at run time, from the installed package: fixes reach
 * resources created by older versions, and state holds only the shim.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Redactor, redactorFor } from "../client/redaction";
import { inTermsOf } from "../client/setting-error";
import type { ClientSettings } from "../client/settings";
import { boundaryError } from "./boundary-error";
import { type ConfigKeys, PULUMI_CONFIG_KEYS, settingsFromPulumiConfig } from "./config-keys";
import { createContext, type LifecycleContext } from "./context";
import { forEngine } from "./engine-values";
import { type ProviderKind, RESOURCE_KINDS } from "./kinds";
import { OperationsProvider } from "./operations-provider";
import { engineReporter } from "./reporter";
import { StackInstanceProvider } from "./stack-instance";
import { WaitProvider } from "./wait-provider";

type RuntimeProvider = (OperationsProvider | WaitProvider | StackInstanceProvider) &
  Pick<pulumi.dynamic.ResourceProvider, "configure">;

type StackConfig = Parameters<typeof settingsFromPulumiConfig>[0];

/**
 * The provider methods each kind's provider implements, wrapped below for the engine (configure is the
 * process's own). The shim (provider/shim.ts) lists them again, with configure, because it must run from its
 * source text alone; test/provider/provider-methods.test.ts checks that the two lists agree.
 */
/** The stack config key of each setting, for programs that drive the provider as its host does (the benchmarks). */
export { PULUMI_CONFIG_KEYS } from "./config-keys";

export const PROVIDER_METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

/**
 * What one provider process runs with, dynamic provider host or plugin. A process serves one stack (the plugin:
 * one provider resource), and the host configures each kind's provider with the same config, so every kind
 * shares this one configuration: the last configure wins.
 */
export class ProviderProcess {
  /** Undefined until configure: then the environment alone gives the settings. */
  #configured: { settings: ClientSettings } | { error: unknown } | undefined;
  /**
   * Built by the first provider method that needs it: building can fail too (unreadable credentials), and that
   * method reports it.
   */
  #context: LifecycleContext | undefined;
  readonly #providers = new Map<ProviderKind, RuntimeProvider>();

  constructor(
    private readonly buildContext: (settings: ClientSettings) => LifecycleContext = (settings) =>
      createContext(settings, engineReporter()),
    /** The config keys of this front door: errors name them. */
    private readonly keys: ConfigKeys = PULUMI_CONFIG_KEYS,
  ) {}

  /**
   * Never throws: the host would print a stack trace. A configuration problem is kept for the first provider
   * method that needs the settings, which reports it with its field (check as a failure of that property).
   */
  configure(config: StackConfig): void {
    this.#context = undefined;
    try {
      this.#configured = { settings: settingsFromPulumiConfig(config, process.env, this.keys) };
    } catch (error) {
      this.#configured = { error };
    }
  }

  /** Keeps a problem found outside configure (the plugin's refusal of a plaintext secret) for the same path. */
  refuse(error: unknown): void {
    this.#context = undefined;
    this.#configured = { error };
  }

  /** The context every provider method runs with; throws the problem configure found. */
  context(): LifecycleContext {
    if (this.#configured && "error" in this.#configured) throw this.#configured.error;
    try {
      this.#context ??= this.buildContext(
        this.#configured?.settings ?? settingsFromPulumiConfig(undefined, process.env, this.keys),
      );
    } catch (error) {
      throw inTermsOf(error, (setting) => this.keys[setting]);
    }
    return this.#context;
  }

  /**
   * Scrubs the configured secrets from errors leaving a provider method; before configure, only known secret
   * patterns.
   */
  redactor(): Redactor | undefined {
    return this.#configured && "settings" in this.#configured ? redactorFor(this.#configured.settings) : undefined;
  }

  /**
   * The provider the shim forwards to: one per kind, its methods' results and errors made safe for the engine (no
   * `undefined` at any depth: provider/engine-values.ts; errors scrubbed: provider/boundary-error.ts).
   */
  providerFor(kind: ProviderKind): RuntimeProvider {
    if (kind !== "wait" && kind !== "stackInstance" && !RESOURCE_KINDS.includes(kind)) {
      throw new Error(
        `unknown Firestore operation resource kind "${String(kind)}": is the installed pulumi-firestore-operations older than the one that created this resource?`,
      );
    }
    let provider = this.#providers.get(kind);
    if (!provider) {
      const context = () => this.context();
      const methods =
        kind === "wait"
          ? new WaitProvider(context)
          : kind === "stackInstance"
            ? new StackInstanceProvider()
            : new OperationsProvider(kind, context);
      provider = Object.create(methods) as RuntimeProvider;
      provider.configure = async (request: pulumi.dynamic.ConfigureRequest): Promise<void> =>
        this.configure(request.config);
      for (const method of PROVIDER_METHODS) {
        const run = (methods[method] as (...args: unknown[]) => Promise<unknown>).bind(methods);
        Object.assign(provider, {
          [method]: async (...args: unknown[]) => {
            try {
              const result = await run(...args);
              // delete returns nothing; every other method an object the host encodes.
              return result === undefined ? undefined : forEngine(result, `the ${kind} ${method} result`);
            } catch (error) {
              throw boundaryError(error, this.redactor(), this.keys);
            }
          },
        });
      }
      this.#providers.set(kind, provider);
    }
    return provider;
  }
}

/** The process this module runs in: the dynamic provider host loads it once. */
const PROCESS = new ProviderProcess();

export function providerFor(kind: ProviderKind): RuntimeProvider {
  return PROCESS.providerFor(kind);
}

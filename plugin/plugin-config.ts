import { SETTINGS } from "../client/settings";
import { SECRET_BEARING_SETTINGS } from "../provider/config-keys";
import { plaintextSecretProblem } from "../provider/plaintext-secrets";
import { PLUGIN_CONFIG_KEYS } from "./config-keys";

/** How the engine wraps a secret value it passes to a provider that accepts secrets (the SDK's rpc.ts). */
const SECRET_SIGNATURE = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/** The plugin's configuration as Configure gave it: values by config key, and which of them are secrets. */
export interface PluginConfig {
  values: Record<string, string>;
  secret: Set<string>;
}

/**
 * Reads Configure's args (the provider's inputs: `project`, `credentials`, ...). A default provider's inputs are
 * the stack config of the namespace, as strings; an explicit provider's may be typed (booleans).
 */
export function pluginConfig(args: Record<string, unknown>): PluginConfig {
  const config: PluginConfig = { values: {}, secret: new Set() };
  for (const setting of SETTINGS) {
    const key = PLUGIN_CONFIG_KEYS[setting];
    let value = args[setting];
    if (isSecret(value)) {
      config.secret.add(key);
      value = value.value;
    }
    if (value === undefined || value === null) continue;
    config.values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIGNATURE.key] === SECRET_SIGNATURE.value
  );
}

/**
 * A credential set in plaintext: the engine stores the provider's inputs in the stack's state, encrypted only
 * when they are secrets. Refused as the dynamic provider refuses it (provider/plaintext-secrets.ts), here as a
 * failure of the first provider method, since a plugin cannot stop the program.
 */
export function plaintextSecretError(config: PluginConfig): Error | undefined {
  for (const setting of SECRET_BEARING_SETTINGS) {
    const key = PLUGIN_CONFIG_KEYS[setting];
    const problem = plaintextSecretProblem(setting, key, config.values[key], config.secret.has(key));
    if (problem) return new Error(problem);
  }
  return undefined;
}

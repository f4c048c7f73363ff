import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { PULUMI_CONFIG_KEYS, SECRET_BEARING_SETTINGS } from "./config-keys";

/**
 * Refuses a credential set in plaintext in the stack config, before the program registers anything that uses it.
 * The engine hands a dynamic provider the whole stack config, and stores it in the state of the provider's
 * resource (in checkpoints, backups and `pulumi stack export`): encrypted only for keys set with `--secret`. The
 * dynamic provider host cannot mark a key secret as @pulumi/gcp's provider does, so the program, which knows which
 * keys are secret, refuses the others.
 */
export function refusePlaintextSecrets(
  getConfig: (key: string) => string | undefined = pulumi.runtime.getConfig,
  isSecret: (key: string) => boolean = isConfigSecret,
): void {
  for (const setting of SECRET_BEARING_SETTINGS) {
    const key = PULUMI_CONFIG_KEYS[setting];
    const problem = plaintextSecretProblem(setting, key, getConfig(key), isSecret(key));
    if (problem) throw new pulumi.RunError(problem);
  }
}

/**
 * What is wrong with a secret-bearing setting's config value, for the dynamic provider and the plugin alike:
 * undefined when it is unset, a secret, or (credentials) the path of a key file, which is no secret.
 */
export function plaintextSecretProblem(
  setting: (typeof SECRET_BEARING_SETTINGS)[number],
  key: string,
  value: string | undefined,
  secret: boolean,
): string | undefined {
  if (value === undefined || value === "" || secret) return undefined;
  // A relative path is read from the working directory: the program's folder.
  if (setting === "credentials" && isFile(value)) return undefined;
  const what =
    setting === "credentials"
      ? `is set in plaintext and is not the path of an existing key file (a relative path is read from ${process.cwd()})`
      : "holds an access token in plaintext";
  return `The stack config key ${key} ${what}: Pulumi would store it unencrypted in the stack's state. Set it as a secret: pulumi config set --secret ${key}${setting === "credentials" ? " (or set it to the key file's path)" : ""}`;
}

function isFile(value: string): boolean {
  try {
    return fs.statSync(value).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether the stack config holds `key` as a secret: the SDK's own answer (`runtime.isConfigSecret`, not in its
 * type declarations), else the variable the Pulumi CLI lists secret keys in for the program.
 */
function isConfigSecret(key: string): boolean {
  const fromSdk = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (typeof fromSdk === "function") return fromSdk(key);
  try {
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
    return Array.isArray(keys) && keys.includes(key);
  } catch {
    return false;
  }
}

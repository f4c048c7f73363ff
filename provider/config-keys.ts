import { inTermsOf, type SettingName } from "../client/setting-error";
import { type ClientSettings, type Setting, settingsFrom } from "../client/settings";

/** The stack config key of each setting: those of @pulumi/gcp, so one stack config serves both providers. */
export const PULUMI_CONFIG_KEYS: Record<Setting, string> = {
  project: "gcp:project",
  endpoint: "gcp:firestoreCustomEndpoint",
  credentials: "gcp:credentials",
  accessToken: "gcp:accessToken",
  impersonateServiceAccount: "gcp:impersonateServiceAccount",
  billingProject: "gcp:billingProject",
  userProjectOverride: "gcp:userProjectOverride",
  allowInsecureEndpoint: "firestore-operations:allowInsecureEndpoint",
};

/**
 * Settings whose value can be a credential: Pulumi must hold them encrypted (`pulumi config set --secret`), as
 * @pulumi/gcp marks them secret. `credentials` unless it is a key file's path: a path is no secret.
 */
export const SECRET_BEARING_SETTINGS = ["accessToken", "credentials"] as const satisfies readonly Setting[];

/** Settings in a Pulumi user's words: errors name the stack config key. */
export const pulumiSettingName: SettingName = (setting) => PULUMI_CONFIG_KEYS[setting];

/** A front door's config keys: the dynamic provider's (PULUMI_CONFIG_KEYS) or the plugin's own namespace. */
export type ConfigKeys = Record<Setting, string>;

/**
 * The provider's settings from the config handed to configure (then the environment, as @pulumi/gcp); a
 * setting's error names its config key.
 */
export function settingsFromPulumiConfig(
  config: { get(key: string): string | undefined } | undefined,
  env: NodeJS.ProcessEnv = process.env,
  keys: ConfigKeys = PULUMI_CONFIG_KEYS,
): ClientSettings {
  try {
    return settingsFrom((setting) => config?.get(keys[setting]), env);
  } catch (error) {
    throw inTermsOf(error, (setting) => keys[setting]);
  }
}

import { SETTINGS, type Setting } from "../client/settings";
import type { ConfigKeys } from "../provider/config-keys";

/** The plugin's name: its executable is `pulumi-resource-firestore-operations`, its config namespace this. */
export const PLUGIN_NAME = "firestore-operations";

/**
 * The plugin's config keys, one per client setting under its own namespace: the engine hands a provider plugin
 * only the keys of its namespace, so `gcp:project` and the other `gcp:*` keys the dynamic provider reads never
 * reach it.
 */
export const PLUGIN_CONFIG_KEYS = Object.fromEntries(
  SETTINGS.map((setting) => [setting, `${PLUGIN_NAME}:${setting}`]),
) as ConfigKeys & Record<Setting, `${typeof PLUGIN_NAME}:${Setting}`>;

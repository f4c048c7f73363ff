import type { FirestoreAdminClient } from "../provider/admin-client";
import { createContext } from "../provider/lifecycle";
import { type ProviderSettings, settingsFrom } from "../provider/settings";
import type { GlobalFlags } from "./args";

/** What every command works with: settings checked by the provider's own rules, and its API client. */
export interface Session {
  settings: ProviderSettings;
  client: FirestoreAdminClient;
}

/**
 * Flags stand in for the stack config keys they mirror; everything else (GOOGLE_CLOUD_PROJECT,
 * FIRESTORE_CUSTOM_ENDPOINT, credentials, ADC) falls back to the environment exactly as in the provider.
 * Throws InvalidInputError (endpoint policy and the like) before any request is made.
 */
export function openSession(flags: GlobalFlags, env: NodeJS.ProcessEnv): Session {
  const config: Record<string, string | undefined> = {
    "gcp:project": flags.project,
    "gcp:firestoreCustomEndpoint": flags.endpoint,
    "gcp:accessToken": flags.accessToken,
  };
  const settings = settingsFrom((key) => config[key], env);
  return { settings, client: createContext(settings).client };
}

import type { FirestoreAdminClient } from "../client/admin-client";
import { createAdminClient } from "../client/create-client";
import type { ClientSettings } from "../client/settings";
import type { TransportOptions } from "../client/transport";
import { type Reporter, SILENT } from "./reporter";
import { StartJournal } from "./start-journal";

/** What every provider method runs with: one per dynamic provider process (provider/runtime.ts). */
export interface LifecycleContext {
  settings: ClientSettings;
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** Where start POSTs are recorded before they are sent; unset for library users who start nothing. */
  journal?: StartJournal;
}

export function createContext(
  settings: ClientSettings,
  reporter: Reporter = SILENT,
  transportOptions: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
  journal: StartJournal | undefined = StartJournal.fromEnvironment(),
): LifecycleContext {
  return {
    settings,
    client: createAdminClient(settings, transportOptions).client,
    reporter,
    ...(journal ? { journal } : {}),
  };
}

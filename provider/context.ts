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
  /**
   * The engine's Cancel (first Ctrl-C), which only the provider plugin receives: it stops every wait in flight,
   * never a start request, and never cancels an operation. Absent in dynamic mode, whose host drops the Cancel.
   */
  stopWaiting?: AbortSignal;
}

export function createContext(
  settings: ClientSettings,
  reporter: Reporter = SILENT,
  transportOptions: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
  journal: StartJournal | undefined = StartJournal.fromEnvironment(),
  stopWaiting?: AbortSignal,
): LifecycleContext {
  return {
    settings,
    client: createAdminClient(settings, transportOptions).client,
    reporter,
    ...(journal ? { journal } : {}),
    ...(stopWaiting ? { stopWaiting } : {}),
  };
}

import type { FirestoreAdminClient } from "../client/admin-client";
import { type ClientOptions, createAdminClient } from "../client/create-client";
import { QuotaGates } from "../client/quota-gate";
import type { ClientSettings } from "../client/settings";
import { type Reporter, SILENT } from "./reporter";
import { StartJournal } from "./start-journal";

/** What every provider method runs with: one per dynamic provider process (provider/runtime.ts). */
export interface LifecycleContext {
  settings: ClientSettings;
  client: FirestoreAdminClient;
  reporter: Reporter;
  /** The quota gates every start of this process waits in (client/quota-gate.ts), on the client's clock. */
  quotaGates: QuotaGates;
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
  clientOptions: ClientOptions = {},
  journal: StartJournal | undefined = StartJournal.fromEnvironment(),
  stopWaiting?: AbortSignal,
): LifecycleContext {
  const client = createAdminClient(settings, clientOptions);
  return {
    settings,
    client,
    reporter,
    quotaGates: new QuotaGates(client.clock),
    ...(journal ? { journal } : {}),
    ...(stopWaiting ? { stopWaiting } : {}),
  };
}

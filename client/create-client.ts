import { FirestoreAdminClient } from "./admin-client";
import { createAuthHeaders } from "./auth-headers";
import { redactorFor } from "./redaction";
import type { ClientSettings } from "./settings";
import { Transport, type TransportOptions } from "./transport";

/** The client and the transport under it, built from settings: what the provider, the CLI and the benchmarks use. */
export function createAdminClient(
  settings: ClientSettings,
  options: Pick<TransportOptions, "maxAttempts" | "onRetry"> = {},
): { client: FirestoreAdminClient; transport: Transport } {
  const transport = new Transport({
    auth: createAuthHeaders(settings),
    redactor: redactorFor(settings),
    ...(settings.userProject ? { userProject: settings.userProject } : {}),
    ...options,
  });
  return { client: new FirestoreAdminClient(transport, settings.endpoint), transport };
}

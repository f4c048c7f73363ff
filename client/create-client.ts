import { FirestoreAdminClient } from "./admin-client";
import { createAuthHeaders } from "./auth-headers";
import { redactorFor } from "./redaction";
import type { ClientSettings } from "./settings";
import { Transport, type TransportOptions } from "./transport";

/** What a front end may choose of the transport under its client. */
export type ClientOptions = Pick<TransportOptions, "maxAttempts" | "onRetry" | "clock">;

/** The client, built from settings: what the provider, the CLI and the benchmarks use. */
export function createAdminClient(settings: ClientSettings, options: ClientOptions = {}): FirestoreAdminClient {
  const transport = new Transport({
    auth: createAuthHeaders(settings),
    redactor: redactorFor(settings),
    ...(settings.userProject ? { userProject: settings.userProject } : {}),
    ...options,
  });
  return new FirestoreAdminClient(transport, settings.endpoint);
}

/**
 * Clients that "cancel an operation and wait until it is over", each as it really works: ours (the dynamic
 * provider's delete), Google's generated FirestoreAdminClient over REST, a fixed 10 s poll loop, and what-if
 * variants of ours built from the provider's own pieces with another poll schedule.
 */
import { v1 } from "@google-cloud/firestore";
import { GoogleAuth } from "google-auth-library";
import type { PollSchedule } from "../client/backoff";
import { createAdminClient } from "../client/create-client";
import { type Setting, settingsFrom } from "../client/settings";
import { waitUntilDone } from "../client/wait";
import { DEV_TOKEN } from "../emulator/index";
import { providerFor } from "../provider/runtime";
import { DATABASE, type OperationJson } from "./emulator-admin";

export interface StartedOperation {
  name: string;
  /** Resolves once the client considers the operation over. */
  cancelAndWait(): Promise<void>;
}

export interface CancelClient {
  label: string;
  start(outputUriPrefix: string): Promise<StartedOperation>;
  close(): Promise<void>;
}

/** What the provider reads from stack config, pointed at the emulator (as test/support/provider-harness does). */
export function providerConfig(emulatorUrl: string, credentialsFile: string): Record<string, string> {
  return {
    "gcp:project": "demo-project",
    "gcp:credentials": credentialsFile,
    "gcp:firestoreCustomEndpoint": `${emulatorUrl}/v1/`,
  };
}

const CANCEL_TIMEOUT_MS = 5 * 60_000;

/** (a) The dynamic provider exactly as the provider host drives it: configure, check, create, then delete. */
export async function oursClient(config: Record<string, string>): Promise<CancelClient> {
  const provider = providerFor("export");
  await provider.configure?.({
    config: { get: (key: string) => config[key], require: (key: string) => config[key] as string },
  } as never);
  return {
    label: "ours: provider delete",
    async start(outputUriPrefix) {
      const checked = await provider.check({}, { outputUriPrefix, collectionIds: ["users"] });
      if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      const { id, outs } = await provider.create(checked.inputs as Record<string, unknown>);
      if (!outs) throw new Error(`create of ${id} returned no outputs`);
      return { name: id, cancelAndWait: () => provider.delete(id, outs) };
    },
    close: async () => {},
  };
}

/**
 * Ours with another poll schedule, built from the provider's own client and waitUntilDone: the requests of
 * the provider's delete before it sent the cancel first, that is GET, cancel, then polls starting one delay
 * after the cancel.
 */
export function candidateClient(
  label: string,
  emulatorUrl: string,
  credentialsFile: string,
  schedule: PollSchedule,
): CancelClient {
  // providerConfig's settings, in the client's own names (bench/ reaches the provider through its runtime only).
  const given: Partial<Record<Setting, string>> = {
    project: "demo-project",
    credentials: credentialsFile,
    endpoint: `${emulatorUrl}/v1/`,
  };
  const client = createAdminClient(settingsFrom((setting) => given[setting]));
  return {
    label,
    async start(outputUriPrefix) {
      const view = await client.start("exportDocuments", DATABASE, { outputUriPrefix, collectionIds: ["users"] });
      return {
        name: view.name,
        async cancelAndWait() {
          const before = await client.get(view.name);
          if (before.done) return;
          await client.cancel(view.name);
          await waitUntilDone(
            client,
            view.name,
            { timeoutMs: CANCEL_TIMEOUT_MS, purpose: "the cancelled operation to end", schedule },
            before,
          );
        },
      };
    },
    close: async () => {},
  };
}

/** (b) Google's generated client over REST: operation.cancel(), then operation.promise() rejects with code 1. */
export function googleClient(emulatorUrl: string, credentialsFile: string): CancelClient {
  const { hostname, port } = new URL(emulatorUrl);
  const client = new v1.FirestoreAdminClient({
    fallback: true,
    apiEndpoint: hostname,
    port: Number(port),
    protocol: "http",
    auth: new GoogleAuth({ keyFile: credentialsFile, scopes: ["https://www.googleapis.com/auth/datastore"] }),
    // gax bundles its own google-auth-library copy; the object is the same API, the types are not.
  } as unknown as ConstructorParameters<typeof v1.FirestoreAdminClient>[0]);
  return {
    label: "Google: FirestoreAdminClient (REST)",
    async start(outputUriPrefix) {
      const [operation] = await client.exportDocuments({ name: DATABASE, outputUriPrefix, collectionIds: ["users"] });
      return {
        name: operation.name as string,
        async cancelAndWait() {
          await operation.cancel();
          const outcome = await operation.promise().then(
            () => "resolved",
            (error: { code?: number }) => error.code,
          );
          if (outcome !== 1) throw new Error(`operation.promise() ended with ${String(outcome)}, expected code 1`);
        },
      };
    },
    close: () => client.close(),
  };
}

/** (c) A fixed-interval poll loop (the Terraform google provider's default 10 s PollInterval), plain fetch. */
export function fixedIntervalClient(emulatorUrl: string, intervalMs: number): CancelClient {
  const call = async (method: string, pathname: string, body?: unknown): Promise<OperationJson> => {
    const response = await fetch(`${emulatorUrl}/v1/${pathname}`, {
      method,
      headers: { authorization: `Bearer ${DEV_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as OperationJson;
  };
  return {
    label: `fixed ${intervalMs / 1000} s poll (fetch)`,
    async start(outputUriPrefix) {
      const op = await call("POST", `${DATABASE}:exportDocuments`, { outputUriPrefix, collectionIds: ["users"] });
      return {
        name: op.name,
        async cancelAndWait() {
          await call("POST", `${op.name}:cancel`, {});
          const deadline = Date.now() + CANCEL_TIMEOUT_MS;
          for (let poll = 0; poll < 1_000 && Date.now() < deadline; poll++) {
            if ((await call("GET", op.name)).done) return;
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
          }
          throw new Error(`${op.name} still not done after ${CANCEL_TIMEOUT_MS} ms`);
        },
      };
    },
    close: async () => {},
  };
}

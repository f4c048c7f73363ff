import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Clock } from "../../client/clock";
import type { EmulatorOptions } from "../../emulator/emulator";
import { DEV_TOKEN, writeEmulatorCredentials } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";
import { settingsFromPulumiConfig } from "../../provider/config-keys";
import { createContext, type LifecycleContext } from "../../provider/context";
import type { ResourceKind } from "../../provider/kinds";
import { OperationsProvider } from "../../provider/operations-provider";
import type { Reporter } from "../../provider/reporter";
import { StartJournal, type StartOwner } from "../../provider/start-journal";
import { WaitProvider } from "../../provider/wait-provider";
import { type TestEmulator, withEmulator } from "./emulator-client";
import { type LoopbackProxy, withProxy } from "./loopback-proxy";
import { type SteppedClock, steppedClock } from "./stepped-clock";

/** The providers a harness runs: each resource kind's, and the wait step's. */
type HarnessKind = ResourceKind | "wait";

/** One message a provider method showed the user. */
export interface Message {
  level: "info" | "warn" | "status";
  text: string;
}

/** A request as the emulator's log has it. */
export type LoggedRequest = RequestLogEntry;

export interface HarnessOptions {
  /** Attempts for idempotent requests (the transport's default is 6, with seconds of backoff). */
  maxAttempts?: number;
  /** One clock for the client and the emulator (its `now`, unless `options.now` gives another). */
  clock?: Clock;
}

export interface Harness {
  emu: TestEmulator;
  /** The start journal the provider uses in this harness (FIRESTORE_OPS_STATE_DIR points at it). */
  journal: StartJournal;
  /** The id of this harness's stack instance, which `up` gives every resource with a URN, as the component does. */
  stackInstance: string;
  /** The journal owner of the resource `urn` in this harness's stack instance. */
  owner(urn: string): StartOwner;
  /** Every message the provider reported, in order (the engine's log in a real run). */
  messages: Message[];
  provider(kind: "wait"): WaitProvider;
  provider(kind: ResourceKind): OperationsProvider;
  /** check + create, as the engine does (with `stackInstance` added, as the component adds it). */
  // biome-ignore lint/suspicious/noExplicitAny: outputs as the engine stores them.
  up(kind: HarnessKind, news: Record<string, unknown>): Promise<{ id: string; outs: any }>;
  /** An admin API call with the emulator's dev token, for arranging and inspecting from the test side. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Requests the emulator saw for an endpoint. */
  requests(endpoint: string): Promise<LoggedRequest[]>;
  /** The HTTP status of each request the emulator saw for an endpoint, in order. */
  statuses(endpoint: string): Promise<number[]>;
  /** Every request the emulator saw, in order. */
  log(): Promise<LoggedRequest[]>;
}

/**
 * Runs the provider as the dynamic provider host would (the provider of each kind over one lifecycle context
 * made from the stack config, as provider/runtime.ts does), against a real emulator over HTTP, with credentials
 * that google-auth-library exchanges at the emulator's token endpoint. Messages go to `messages` instead of the
 * engine's log; the start journal lives in the harness's temp folder.
 */
export async function withProvider(
  options: EmulatorOptions,
  extraConfig: Record<string, string>,
  body: (harness: Harness) => Promise<void>,
  harnessOptions: HarnessOptions = {},
): Promise<void> {
  const { clock, maxAttempts } = harnessOptions;
  await withEmulator({ auth: "oauth", ...(clock ? { now: () => clock.now() } : {}), ...options }, async (emu) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-creds-"));
    // The start journal of this harness only.
    const previousStateDir = process.env.FIRESTORE_OPS_STATE_DIR;
    process.env.FIRESTORE_OPS_STATE_DIR = path.join(dir, "state");
    try {
      const creds = await writeEmulatorCredentials(emu.url, dir);
      const config: Record<string, string> = {
        "gcp:project": "demo-project",
        "gcp:credentials": creds.externalAccountFile,
        "gcp:firestoreCustomEndpoint": `${emu.url}/v1/`,
        ...extraConfig,
      };
      const messages: Message[] = [];
      const reporter: Reporter = {
        info: (text) => messages.push({ level: "info", text }),
        warn: (text) => messages.push({ level: "warn", text }),
        status: (text) => messages.push({ level: "status", text }),
      };
      const journal = StartJournal.fromEnvironment();
      let context: LifecycleContext | undefined;
      // Made at the first call, as runtime.ts does: a configuration error surfaces in check.
      const currentContext = (): LifecycleContext => {
        context ??= createContext(
          settingsFromPulumiConfig({ get: (key) => config[key] }),
          reporter,
          { ...(maxAttempts === undefined ? {} : { maxAttempts }), ...(clock ? { clock } : {}) },
          journal,
        );
        return context;
      };
      const providers = new Map<HarnessKind, OperationsProvider | WaitProvider>();
      const providerOf = (kind: HarnessKind): OperationsProvider | WaitProvider => {
        let provider = providers.get(kind);
        if (!provider) {
          provider = kind === "wait" ? new WaitProvider(currentContext) : new OperationsProvider(kind, currentContext);
          providers.set(kind, provider);
        }
        return provider;
      };
      const log = async (): Promise<LoggedRequest[]> => (await emu.control("GET", "requests")).json.requests;
      const stackInstance = randomUUID();
      const harness: Harness = {
        emu,
        journal,
        stackInstance,
        owner: (resource) => ({ stack: stackInstance, resource }),
        messages,
        provider: providerOf as Harness["provider"],
        async up(kind, news) {
          const provider = providerOf(kind);
          const withInstance =
            kind !== "wait" && news.resourceUrn !== undefined && !("stackInstance" in news)
              ? { ...news, stackInstance }
              : news;
          const checked = await provider.check({}, withInstance);
          if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
          const created = await provider.create(checked.inputs as Record<string, unknown>);
          return { id: created.id, outs: created.outs };
        },
        admin: (method, path, payload) => emu.call(method, path, payload, { authorization: `Bearer ${DEV_TOKEN}` }),
        log,
        async requests(endpoint) {
          return (await log()).filter((e) => e.endpoint === endpoint);
        },
        async statuses(endpoint) {
          return (await log()).filter((e) => e.endpoint === endpoint).map((e) => e.status);
        },
      };
      await body(harness);
    } finally {
      if (previousStateDir === undefined) delete process.env.FIRESTORE_OPS_STATE_DIR;
      else process.env.FIRESTORE_OPS_STATE_DIR = previousStateDir;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * `withProvider` with a loopback proxy between the provider and its emulator: what the provider sees of the server
 * is whatever the test's `proxy.hook` makes of it (a lost answer, a mangled body, a stranger's 404).
 */
export async function withProviderBehindProxy(
  options: EmulatorOptions,
  body: (harness: Harness, proxy: LoopbackProxy) => Promise<void>,
  harnessOptions: HarnessOptions = {},
): Promise<void> {
  await withProxy(async (proxy) => {
    await withProvider(
      options,
      { "gcp:firestoreCustomEndpoint": `${proxy.url}/v1/` },
      async (harness) => {
        proxy.target = harness.emu.url;
        await body(harness, proxy);
      },
      harnessOptions,
    );
  });
}

/**
 * `withProvider` on one stepped clock for the emulator and the provider's client, starting at the wall clock's
 * instant (the credentials' tokens are signed on it); `fastForward` ends every wait of the client at once.
 */
export async function withSteppedProvider(
  options: EmulatorOptions,
  { fastForward }: { fastForward: boolean },
  body: (harness: Harness, clock: SteppedClock) => Promise<void>,
): Promise<void> {
  const clock = steppedClock({ startMs: Date.now(), fastForward });
  await withProvider(options, {}, (harness) => body(harness, clock), { clock });
}

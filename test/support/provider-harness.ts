import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EmulatorOptions } from "../../emulator/emulator";
import { DEV_TOKEN, writeEmulatorCredentials } from "../../emulator/index";
import type { ResourceKind } from "../../provider/kinds";
import { providerFor } from "../../provider/runtime";
import { StartJournal } from "../../provider/start-journal";
import { type TestEmulator, withEmulator } from "./emulator-client";

export interface Harness {
  emu: TestEmulator;
  /** The start journal the provider uses in this harness (FIRESTORE_OPS_STATE_DIR points at it). */
  journal: StartJournal;
  provider(kind: ResourceKind): ReturnType<typeof providerFor>;
  /** check + create, as the engine does. */
  // biome-ignore lint/suspicious/noExplicitAny: outputs as the engine stores them.
  up(kind: ResourceKind, news: Record<string, unknown>): Promise<{ id: string; outs: any }>;
  /** An admin API call with the emulator's dev token, for arranging and inspecting from the test side. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Requests the emulator saw for an endpoint. */
  requests(endpoint: string): Promise<{ status: number; fault?: string; operation?: string; userProject?: string }[]>;
}

/**
 * Runs the provider exactly as the dynamic provider host would (configure, then lifecycle calls), against a
 * real emulator over HTTP, with credentials that google-auth-library exchanges at the emulator's token endpoint.
 */
export async function withProvider(
  options: EmulatorOptions,
  extraConfig: Record<string, string>,
  body: (harness: Harness) => Promise<void>,
): Promise<void> {
  await withEmulator({ auth: "oauth", ...options }, async (emu) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-creds-"));
    // The start journal of this harness only (read when configure makes the next context).
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
      const configure = async (kind: ResourceKind) => {
        const provider = providerFor(kind);
        await provider.configure?.({
          config: { get: (key: string) => config[key], require: (key: string) => config[key] as string },
        } as never);
        return provider;
      };
      await configure("export");
      const harness: Harness = {
        emu,
        journal: StartJournal.fromEnvironment(),
        provider: (kind) => providerFor(kind),
        async up(kind, news) {
          const provider = providerFor(kind);
          const checked = await provider.check({}, news);
          if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
          const created = await provider.create(checked.inputs as Record<string, unknown>);
          return { id: created.id, outs: created.outs };
        },
        admin: (method, path, payload) => emu.call(method, path, payload, { authorization: `Bearer ${DEV_TOKEN}` }),
        async requests(endpoint) {
          const log = (await emu.control("GET", "requests")).json.requests as { endpoint?: string; status: number }[];
          return log.filter((e) => e.endpoint === endpoint);
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

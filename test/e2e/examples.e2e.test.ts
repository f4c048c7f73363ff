import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEV_TOKEN, writeEmulatorCredentials } from "../../emulator/index";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { createTempStack, type TempStack } from "../support/pulumi-cli";
import { repoRoot } from "../support/repo";

const DB = "projects/demo-project/databases/(default)";

/** The examples that need no real Google Cloud resource, run as users would, against the emulator. */
describe("examples against the emulator", () => {
  let emulator: EmulatorProcess;
  let credentialsDir: string;
  let credentialsFile: string;
  const admin = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${DEV_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
    return response.json() as Promise<Record<string, any>>;
  };

  before(async () => {
    emulator = await spawnEmulator(["--auth", "oauth", "--duration-ms", "1500", "--cancel-latency-ms", "300"]);
    credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "examples-creds-"));
    credentialsFile = (await writeEmulatorCredentials(emulator.url, credentialsDir)).externalAccountFile;
  });
  after(async () => {
    await emulator?.kill();
    if (credentialsDir) fs.rmSync(credentialsDir, { recursive: true, force: true });
  });

  async function exampleStack(name: string, config: Record<string, string>): Promise<TempStack> {
    const stack = await createTempStack({
      fixtureDir: path.join(repoRoot(), "examples", name),
      links: { "pulumi-firestore-operations": repoRoot() },
    });
    const settings = {
      "gcp:project": "demo-project",
      "gcp:credentials": credentialsFile,
      "gcp:firestoreCustomEndpoint": `${emulator.url}/v1/`,
      ...config,
    };
    for (const [key, value] of Object.entries(settings)) {
      const result = await stack.pulumi(["config", "set", key, value]);
      assert.equal(result.code, 0, result.stderr);
    }
    return stack;
  }

  async function run(stack: TempStack, args: string[]): Promise<string> {
    const result = await stack.pulumi([...args, "--yes", "--non-interactive"]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  test("guarded-bulk-delete: up waits until the documents are gone", async () => {
    const stack = await exampleStack("guarded-bulk-delete", { collections: '["users"]' });
    try {
      const up = await run(stack, ["up"]);
      assert.match(up, /state\s*: "SUCCESSFUL"/);
      const counts = (await (await fetch(`${emulator.url}/emulator/v1/${DB}/documents`)).json()) as {
        collections: Record<string, { documents: number }>;
      };
      assert.equal(counts.collections.users?.documents, 0);
      await run(stack, ["destroy"]);
    } finally {
      stack.remove();
    }
  });

  test("restore-from-export: imports a finished export", async () => {
    const exported = await admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/snapshot" });
    assert.ok(exported.name, JSON.stringify(exported));
    for (let i = 0; i < 100 && !(await admin("GET", `/v1/${exported.name}`)).done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stack = await exampleStack("restore-from-export", { restoreFrom: "gs://bkt/snapshot" });
    try {
      const up = await run(stack, ["up"]);
      assert.match(up, /importState\s*: "SUCCESSFUL"/);
      await run(stack, ["destroy"]);
    } finally {
      stack.remove();
    }
  });

  test("adopt-operation: an export started elsewhere is adopted, then cancelled by destroy", async () => {
    await fetch(`${emulator.url}/emulator/v1/behaviour`, {
      method: "PATCH",
      body: JSON.stringify({ operationDurationMs: 600_000 }),
    });
    const started = await admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/elsewhere" });
    const bareId = String(started.name).split("/").pop() as string;
    const stack = await exampleStack("adopt-operation", { operation: bareId });
    try {
      const up = await run(stack, ["up"]);
      assert.match(up, /operationType\s*: "ExportDocumentsMetadata"/);
      const destroy = await run(stack, ["destroy"]);
      assert.match(destroy, /CANCELLED after/);
      assert.equal((await admin("GET", `/v1/${started.name}`)).metadata.operationState, "CANCELLED");
    } finally {
      stack.remove();
    }
  });
});

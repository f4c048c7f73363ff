import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DEV_TOKEN, writeEmulatorCredentials } from "../../emulator/index";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { repoRoot } from "../support/repo";
import {
  createUserProject,
  devSdkVersion,
  installedVersion,
  runCommand,
  sdkUnderTest,
  type UserProject,
} from "../support/user-project";

const DB = "projects/demo-project/databases/(default)";
/** Needs real Google Cloud (a bucket, IAM, the gcp plugin, which cannot be installed offline): compiled only. */
const COMPILE_ONLY = ["nightly-export"];
const RUNNABLE = ["quickstart", "guarded-bulk-delete", "restore-from-export", "adopt-operation"];

/**
 * The examples as users get them: each folder copied out of the repo, its reference to this package replaced
 * by the packed tarball, `npm install`ed with nothing else added, then run against the emulator. The SDK is
 * pinned to this leg's (the repo's on Node 20, the newest on Node 22): an example's `^3.200.0` alone would
 * install the newest, which declares Node >= 22.
 */
describe("examples copied out of the repo and installed from the packed package", { concurrency: 2 }, () => {
  const sdk = sdkUnderTest(devSdkVersion());

  /** An emulator of the test's own (OAuth on, credentials from its token endpoint). */
  interface Emulated {
    url: string;
    credentialsFile: string;
    // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
    admin(method: string, pathname: string, body?: unknown): Promise<Record<string, any>>;
  }

  /** Runs `body` against an emulator of its own whose operations last `durationMs`; stopped afterwards. */
  async function withEmulator(durationMs: number, body: (emulated: Emulated) => Promise<void>): Promise<void> {
    const emulator: EmulatorProcess = await spawnEmulator([
      "--auth",
      "oauth",
      "--cancel-latency-ms",
      "300",
      "--duration-ms",
      String(durationMs),
    ]);
    const credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "examples-creds-"));
    try {
      const credentialsFile = (await writeEmulatorCredentials(emulator.url, credentialsDir)).externalAccountFile;
      const admin = async (method: string, pathname: string, body?: unknown) => {
        const response = await fetch(`${emulator.url}${pathname}`, {
          method,
          headers: { authorization: `Bearer ${DEV_TOKEN}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
        return response.json() as Promise<Record<string, any>>;
      };
      await body({ url: emulator.url, credentialsFile, admin });
    } finally {
      await emulator.kill();
      fs.rmSync(credentialsDir, { recursive: true, force: true });
    }
  }

  test("every example is either run or compiled here", () => {
    const examples = fs
      .readdirSync(path.join(repoRoot(), "examples"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    assert.deepEqual(examples.sort(), [...RUNNABLE, ...COMPILE_ONLY].sort());
  });

  /** The copied example, installed; checks that it got its own TypeScript and exactly one SDK, of `sdk`. */
  async function copyExample(
    name: string,
    dependencies: Record<string, string> = { "@pulumi/pulumi": sdk },
  ): Promise<UserProject> {
    const project = await createUserProject({ copyFrom: path.join(repoRoot(), "examples", name), dependencies });
    try {
      assert.match(installedVersion(project.dir, "typescript"), /^5\./, "the example's own TypeScript");
      assert.equal(installedVersion(project.dir, "@pulumi/pulumi"), dependencies["@pulumi/pulumi"] ?? sdk);
      assert.equal(project.copiesOf("@pulumi/pulumi").length, 1, project.copiesOf("@pulumi/pulumi").join("\n"));
      assert.ok(!fs.lstatSync(path.join(project.dir, "node_modules", "pulumi-firestore-operations")).isSymbolicLink());
      return project;
    } catch (error) {
      project.remove();
      throw error;
    }
  }

  /**
   * stack init, the emulator's settings and `config`, then a preview that plans the stack and one resource: its
   * component and start step, and its wait step when it waits for `done`.
   */
  async function prepare(
    project: UserProject,
    emulator: Emulated,
    config: Record<string, string>,
    waitFor: "started" | "done" = "started",
  ): Promise<void> {
    await project.pulumi(["stack", "init", "test", "--non-interactive"]);
    const settings = {
      "gcp:project": "demo-project",
      "gcp:credentials": emulator.credentialsFile,
      "gcp:firestoreCustomEndpoint": `${emulator.url}/v1/`,
      ...config,
    };
    const pairs = Object.entries(settings).flatMap(([key, value]) => ["--plaintext", `${key}=${value}`]);
    await project.pulumi(["config", "set-all", ...pairs]);
    const preview = await project.pulumi(["preview", "--non-interactive"]);
    // The stack, the component, its StackInstance and its start step (and its wait step).
    assert.match(preview.stdout, new RegExp(`\\+ ${waitFor === "done" ? 5 : 4} to create`));
    assert.equal(preview.stdout.includes("firestore-operations:OperationWait"), waitFor === "done");
  }

  // prepare() ran the preview; up and destroy skip theirs.
  const run = async (project: UserProject, args: string[]) =>
    (await project.pulumi([...args, "--yes", "--non-interactive", "--skip-preview"])).stdout;

  test("quickstart: up starts an export, destroy cancels it", () =>
    withEmulator(600_000, async (emulator) => {
      const project = await copyExample("quickstart");
      try {
        await prepare(project, emulator, {});
        assert.match(await run(project, ["up"]), /state\s*: "PROCESSING"/);
        assert.match(await run(project, ["destroy"]), /CANCELLED after/);
      } finally {
        project.remove();
      }
    }));

  test("guarded-bulk-delete: up waits until the documents are gone", () =>
    withEmulator(1_500, async (emulator) => {
      const project = await copyExample("guarded-bulk-delete");
      try {
        await prepare(project, emulator, { collections: '["users"]' }, "done");
        assert.match(await run(project, ["up"]), /state\s*: "SUCCESSFUL"/);
        const counts = (await (await fetch(`${emulator.url}/emulator/v1/${DB}/documents`)).json()) as {
          collections: Record<string, { documents: number }>;
        };
        assert.equal(counts.collections.users?.documents, 0);
        await run(project, ["destroy"]);
      } finally {
        project.remove();
      }
    }));

  test("restore-from-export: imports a finished export", () =>
    withEmulator(1_500, async ({ admin, ...emulator }) => {
      const exported = await admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/snapshot" });
      assert.ok(exported.name, JSON.stringify(exported));
      for (let i = 0; i < 100 && !(await admin("GET", `/v1/${exported.name}`)).done; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal((await admin("GET", `/v1/${exported.name}`)).done, true, "the export to restore finished");
      const project = await copyExample("restore-from-export");
      try {
        await prepare(project, { admin, ...emulator }, { restoreFrom: "gs://bkt/snapshot" }, "done");
        assert.match(await run(project, ["up"]), /importState\s*: "SUCCESSFUL"/);
        await run(project, ["destroy"]);
      } finally {
        project.remove();
      }
    }));

  test("adopt-operation: an export started elsewhere is adopted, then cancelled by destroy", () =>
    withEmulator(600_000, async (emulator) => {
      const started = await emulator.admin("POST", `/v1/${DB}:exportDocuments`, {
        outputUriPrefix: "gs://bkt/elsewhere",
      });
      const bareId = String(started.name).split("/").pop() as string;
      const project = await copyExample("adopt-operation");
      try {
        await prepare(project, emulator, { operation: bareId });
        assert.match(await run(project, ["up"]), /operationType\s*: "ExportDocumentsMetadata"/);
        assert.match(await run(project, ["destroy"]), /CANCELLED after/);
        assert.equal((await emulator.admin("GET", `/v1/${started.name}`)).metadata.operationState, "CANCELLED");
      } finally {
        project.remove();
      }
    }));

  test("nightly-export: compiles with its own TypeScript and @pulumi/gcp", async () => {
    const project = await copyExample("nightly-export");
    try {
      assert.ok(fs.existsSync(path.join(project.dir, "node_modules", "@pulumi", "gcp", "package.json")));
      const tsc = path.join(project.dir, "node_modules", "typescript", "bin", "tsc");
      const result = await runCommand(process.execPath, [tsc, "-p", project.dir, "--noEmit"], project.dir, process.env);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    } finally {
      project.remove();
    }
  });
});

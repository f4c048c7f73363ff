import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEV_TOKEN, writeEmulatorCredentials } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";
import { emulatorApi, finishOncePolled } from "../support/emulator-client";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { followAdviceAfterKill } from "../support/killed-cli";
import { pulumiBinDir } from "../support/pulumi-cli";
import { readStackState, setStackConfig } from "../support/stack-files";
import { createUserProject, devSdkVersion, sdkUnderTest, type UserProject } from "../support/user-project";

/**
 * A TypeScript program in plugin mode, as a user installs it: the packed package in a project outside the repo,
 * `pulumi-firestore-operations/plugin` in the program, and the plugin found through `plugins.providers` in
 * Pulumi.yaml. One stack, one emulator; each test goes on from the state the one before left.
 */
const PROGRAM = `const pulumi = require("@pulumi/pulumi");
const ops = require("pulumi-firestore-operations/plugin");
const declared = JSON.parse(new pulumi.Config().get("resources") || "[]");
for (const r of declared) new ops[r.kind](r.name, r.args, r.options);
`;

const PULUMI_YAML = `name: plugin-ts
runtime: nodejs
plugins:
  providers:
    - name: firestore-operations
      path: node_modules/pulumi-firestore-operations
`;

const STACK = "dev";
const TYPE = "firestore-operations:index:FirestoreExport";

describe("plugin mode from a TypeScript program", () => {
  let project: UserProject;
  let emulator: EmulatorProcess;
  let credentialsDir: string;

  const declare = (resources: { kind: string; name: string; args: object; options?: object }[]) =>
    setStackConfig(project.dir, STACK, { resources: JSON.stringify(resources) });
  const requests = async (): Promise<RequestLogEntry[]> =>
    ((await (await fetch(`${emulator.url}/emulator/v1/requests`)).json()) as { requests: RequestLogEntry[] }).requests;
  const starts = async () => (await requests()).filter((r) => r.endpoint === "exportDocuments" && r.status === 200);
  const operation = async (name: string) =>
    (await (
      await fetch(`${emulator.url}/v1/${name}`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } })
    ).json()) as { done?: boolean; metadata: { operationState: string; startTime?: string; endTime?: string } };
  const state = () => readStackState(path.join(project.dir, "..", "state"), project.dir, STACK).deployment;
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  const exports = (): any[] => (state().resources ?? []).filter((r: { type: string }) => r.type === TYPE);
  /** Runs pulumi and returns its exit code and output, whatever the code. */
  const pulumi = (args: string[]) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(path.join(pulumiBinDir(project.env), "pulumi"), args, { cwd: project.dir, env: project.env });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("close", (code) => resolve({ code: code ?? -1, output }));
    });

  /** How long the emulator's operations started from now on run. */
  const setOperationDuration = async (operationDurationMs: number) => {
    const patched = await fetch(`${emulator.url}/emulator/v1/behaviour`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operationDurationMs }),
    });
    assert.equal(patched.status, 200);
  };

  /** `pulumi up` again, finishing the export `op` once it polls it: it must wait for it, and then it is over. */
  const rerunFinishing = async (op: string) => {
    const cursor = Math.max(0, ...(await requests()).map((r) => r.seq));
    const rerun = pulumi(["up", "--yes", "--skip-preview"]);
    await finishOncePolled(emulatorApi(emulator), op, cursor);
    return rerun;
  };

  /** The poll of the `index`th started export, once the wait for it is under way (undefined after 30 s). */
  const waitBegan = async (index: number): Promise<RequestLogEntry | undefined> => {
    for (let i = 0; i < 300; i++) {
      const log = await requests();
      const start = log.filter((r) => r.endpoint === "exportDocuments" && r.status === 200)[index];
      const poll =
        start &&
        log.find((r) => r.seq > start.seq && r.endpoint === "operations.get" && r.operation === start.operation);
      if (poll) return poll;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  };

  before(async () => {
    emulator = await spawnEmulator(["--auth", "oauth", "--duration-ms", "120000"]);
    credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-ts-creds-"));
    const creds = await writeEmulatorCredentials(emulator.url, credentialsDir);
    project = await createUserProject({
      files: { "Pulumi.yaml": PULUMI_YAML, "index.js": PROGRAM },
      dependencies: { "@pulumi/pulumi": sdkUnderTest(devSdkVersion()) },
    });
    await project.pulumi(["stack", "init", STACK]);
    setStackConfig(project.dir, STACK, {
      "firestore-operations:project": "demo-project",
      "firestore-operations:endpoint": `${emulator.url}/v1/`,
      "firestore-operations:credentials": creds.externalAccountFile,
    });
  });

  after(async () => {
    project?.remove();
    await emulator?.kill();
    if (credentialsDir) fs.rmSync(credentialsDir, { recursive: true, force: true });
  });

  test("bad input: the preview fails naming the field, and nothing starts", async () => {
    declare([{ kind: "FirestoreExport", name: "nightly", args: { outputUriPrefix: "s3://elsewhere" } }]);
    const { code, output } = await pulumi(["preview"]);
    assert.notEqual(code, 0, output);
    assert.match(output, /outputUriPrefix/);
    assert.match(output, /gs:\/\//);
    assert.deepEqual(await starts(), []);
  });

  test("up starts one export, recorded under the plugin's type", async () => {
    declare([{ kind: "FirestoreExport", name: "nightly", args: { outputUriPrefix: "gs://bkt/a" } }]);
    const { code, output } = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.equal(code, 0, output);
    assert.equal((await starts()).length, 1);
    const [resource] = exports();
    assert.match(resource.id, /^projects\/demo-project\/databases\/\(default\)\/operations\//);
    assert.equal(resource.outputs.state, "PROCESSING");
    assert.ok(resource.provider.includes("pulumi:providers:firestore-operations"), resource.provider);
    assert.ok(!JSON.stringify(state()).includes("pulumi-nodejs:dynamic"), "no dynamic provider resource");
  });

  test("refresh shows the operation's progress", async () => {
    const { code, output } = await pulumi(["refresh", "--yes", "--skip-preview"]);
    assert.equal(code, 0, output);
    assert.match(output, /nightly: \S+: PROCESSING [\d,]+(\/[\d,]+)? documents/);
    assert.ok(exports()[0].outputs.documentsCompleted > 0);
  });

  test("a changed input: the old export is cancelled and over before the new one starts", async () => {
    const old = exports()[0].id as string;
    declare([{ kind: "FirestoreExport", name: "nightly", args: { outputUriPrefix: "gs://bkt/b" } }]);
    const { code, output } = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.equal(code, 0, output);
    const log = await requests();
    const cancel = log.find((r) => r.endpoint === "operations.cancel" && r.operation === old);
    const started = log.filter((r) => r.endpoint === "exportDocuments" && r.status === 200);
    assert.ok(cancel, "the old operation was cancelled");
    assert.equal(started.length, 2);
    assert.ok(cancel.seq < (started[1] as RequestLogEntry).seq, "cancel before the new start");
    const ended = await operation(old);
    assert.equal(ended.metadata.operationState, "CANCELLED");
    const fresh = await operation(exports()[0].id);
    assert.ok(ended.metadata.endTime && fresh.metadata.startTime);
    assert.ok(ended.metadata.endTime <= fresh.metadata.startTime, "the old one was over when the new one started");
  });

  test('waitFor "done": one Ctrl-C stops the wait within 10 s, the operation stays recorded, the rerun waits and starts nothing', async () => {
    // From here on operations run for minutes: none ends before the test acts, however slow the machine; the
    // reruns see theirs end because the test finishes it once they poll it (finishOncePolled).
    await setOperationDuration(600_000);
    declare([{ kind: "FirestoreExport", name: "nightly", args: { outputUriPrefix: "gs://bkt/c", waitFor: "done" } }]);
    const child = spawn(path.join(pulumiBinDir(project.env), "pulumi"), ["up", "--yes", "--skip-preview"], {
      cwd: project.dir,
      env: project.env,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    const waiting = await waitBegan(2);
    assert.ok(waiting, `the wait began\n${output}`);
    const interrupted = performance.now();
    child.kill("SIGINT");
    const code = await exited;
    const seconds = (performance.now() - interrupted) / 1000;
    assert.notEqual(code, 0, output);
    assert.ok(seconds < 10, `the CLI ended ${seconds.toFixed(1)} s after Ctrl-C`);
    assert.match(output, /Stopped waiting for \S+ \(Ctrl-C\)/);
    const [recorded] = exports();
    assert.equal(recorded.id, waiting.operation);
    assert.ok(recorded.initErrors?.length > 0, "kept as an initialization failure");
    assert.equal((await operation(recorded.id)).done, undefined, "Ctrl-C did not end the operation");

    const rerun = await rerunFinishing(recorded.id);
    assert.equal(rerun.code, 0, rerun.output);
    assert.equal((await starts()).length, 3, "the rerun started nothing");
    assert.match(rerun.output, /finished: SUCCESSFUL/);
    const [finished] = exports();
    assert.equal(finished.id, recorded.id);
    assert.equal(finished.outputs.state, "SUCCESSFUL");
    assert.equal(finished.initErrors, undefined);
  });

  test("a run killed mid-wait: the rerun finds the operation in the start journal and starts nothing", async () => {
    declare([{ kind: "FirestoreExport", name: "nightly", args: { outputUriPrefix: "gs://bkt/d", waitFor: "done" } }]);
    // Its own process group: the kill takes the CLI, the program and the plugin at once, as a lost machine would.
    const child = spawn(path.join(pulumiBinDir(project.env), "pulumi"), ["up", "--yes", "--skip-preview"], {
      cwd: project.dir,
      env: project.env,
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.on("close", resolve));
    const waiting = await waitBegan(3);
    assert.ok(waiting, "the wait began");
    process.kill(-(child.pid as number), "SIGKILL");
    await exited;
    assert.equal((await starts()).length, 4);
    const pending = state().pending_operations ?? [];
    assert.equal(pending.length, 1, "the killed create is pending, with no id");
    const advice = await followAdviceAfterKill(path.join(project.dir, "..", "state"), pulumi);
    assert.match(advice, /pulumi cancel/, "the kill left the stack locked");
    const rerun = await rerunFinishing(waiting.operation as string);
    assert.equal(rerun.code, 0, rerun.output);
    assert.equal((await starts()).length, 4, "the rerun started nothing");
    const [finished] = exports();
    assert.equal(finished.id, waiting.operation);
    assert.equal(finished.outputs.state, "SUCCESSFUL");
  });

  test("customTimeouts bound the wait when timeouts gives none", async () => {
    declare([
      {
        kind: "FirestoreExport",
        name: "nightly",
        args: { outputUriPrefix: "gs://bkt/e", waitFor: "done" },
        options: { customTimeouts: { create: "2s" } },
      },
    ]);
    const { code, output } = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.notEqual(code, 0, output);
    assert.match(output, /Timed out after 2s waiting for the operation to finish/);
    const [recorded] = exports();
    assert.equal(recorded.outputs.state, "PROCESSING");
    assert.equal(recorded.outputs.timeouts, undefined, "the engine's timeout is not stored as an input");
  });

  test("destroy cancels the operation and waits until it is over", async () => {
    const name = exports()[0].id as string;
    const { code, output } = await pulumi(["destroy", "--yes", "--skip-preview"]);
    assert.equal(code, 0, output);
    assert.equal((await operation(name)).metadata.operationState, "CANCELLED");
    assert.deepEqual(exports(), []);
  });

  test("pulumi import adopts an existing operation by name", async () => {
    const response = await fetch(`${emulator.url}/v1/projects/demo-project/databases/(default):exportDocuments`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEV_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ outputUriPrefix: "gs://bkt/elsewhere" }),
    });
    const { name } = (await response.json()) as { name: string };
    const before = (await starts()).length;
    const { code, output } = await pulumi([
      "import",
      "firestore-operations:index:FirestoreOperation",
      "adopted",
      name,
      "--yes",
      "--protect=false",
      // The code it suggests comes from the language host, which the repo's small Node.js host does not write.
      "--generate-code=false",
    ]);
    assert.equal(code, 0, output);
    const adopted = (state().resources ?? []).find(
      (r: { type: string }) => r.type === "firestore-operations:index:FirestoreOperation",
    );
    assert.equal(adopted?.id, name);
    assert.equal(adopted.inputs.operationName, name);
    assert.equal(adopted.outputs.operationType, "ExportDocumentsMetadata");
    assert.equal((await starts()).length, before, "import starts nothing");
  });
});

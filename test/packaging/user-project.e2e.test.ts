import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { repoRoot } from "../support/repo";
import {
  createUserProject,
  installedVersion,
  OLDEST_TESTED_SDK,
  runCommand,
  sdkUnderTest,
  type UserProject,
} from "../support/user-project";

const FIXTURE = path.join(repoRoot(), "test/packaging/fixtures/user-project");
const DB = "projects/demo-project/databases/(default)";

/**
 * What a user does: `npm install` of the packed package next to the project's own @pulumi/pulumi (older than
 * the repo's, or the newest on the Node 22 leg), then the real Pulumi CLI and the Automation API against the
 * emulator that the installed package ships.
 */
// The tests share one installed project (they only read it; each uses a stack of its own) and run side by side.
describe("a user's project with the packed package and its own @pulumi/pulumi", { concurrency: true }, () => {
  const sdk = sdkUnderTest(OLDEST_TESTED_SDK);
  let project: UserProject;
  let emulator: EmulatorProcess;
  let credentialsFile: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  const admin = async (pathname: string): Promise<any> => {
    const installed = createRequire(path.join(project.dir, "_"))("pulumi-firestore-operations/emulator");
    const response = await fetch(`${emulator.url}/v1/${pathname}`, {
      headers: { authorization: `Bearer ${installed.DEV_TOKEN}` },
    });
    return response.json();
  };

  before(async () => {
    project = await createUserProject({
      copyFrom: FIXTURE,
      dependencies: {
        "@pulumi/pulumi": sdk,
        typescript: installedVersion(repoRoot(), "typescript"),
        "@types/node": installedVersion(repoRoot(), "@types/node"),
      },
    });
    // The emulator and its credentials from the installed package: its bin and its `./emulator` export.
    emulator = await spawnEmulator(
      ["--auth", "oauth", "--duration-ms", "600000", "--cancel-latency-ms", "300"],
      path.join(project.dir, "node_modules/.bin/firestore-ops-emulator"),
    );
    const installed = createRequire(path.join(project.dir, "_"))("pulumi-firestore-operations/emulator");
    credentialsFile = (await installed.writeEmulatorCredentials(emulator.url, path.join(project.dir, "creds")))
      .externalAccountFile;
  });
  after(async () => {
    await emulator?.kill();
    project?.remove();
  });

  test(`npm ls shows one @pulumi/pulumi, the ${sdk} the project asked for`, () => {
    const ls = project.npm(["ls", "@pulumi/pulumi", "--all", "--parseable"]);
    assert.equal(ls.code, 0, `${ls.stdout}\n${ls.stderr}`);
    const listed = ls.stdout.split("\n").filter((line) => line.endsWith(`${path.sep}@pulumi${path.sep}pulumi`));
    assert.deepEqual(listed, [path.join(fs.realpathSync(project.dir), "node_modules", "@pulumi", "pulumi")]);
    assert.equal(project.copiesOf("@pulumi/pulumi").length, 1, project.copiesOf("@pulumi/pulumi").join("\n"));
    assert.equal(installedVersion(project.dir, "@pulumi/pulumi"), sdk);
    // Installed from the tarball, not linked to the repo, and resolving the project's SDK.
    const ours = path.join(project.dir, "node_modules", "pulumi-firestore-operations");
    assert.ok(!fs.lstatSync(ours).isSymbolicLink());
    assert.ok(!fs.existsSync(path.join(ours, "dist", "test")), "test code is not published");
    assert.equal(
      createRequire(path.join(ours, "_")).resolve("@pulumi/pulumi"),
      createRequire(path.join(project.dir, "_")).resolve("@pulumi/pulumi"),
    );
  });

  test("up, refresh and destroy through the Pulumi CLI, the export a child of the user's component", async () => {
    await project.pulumi(["stack", "init", "dev", "--non-interactive"]);
    await project.pulumi([
      "config",
      "set-all",
      ...["--plaintext", "gcp:project=demo-project"],
      ...["--plaintext", `gcp:credentials=${credentialsFile}`],
      ...["--plaintext", `gcp:firestoreCustomEndpoint=${emulator.url}/v1/`],
    ]);
    await project.pulumi(["up", "--yes", "--non-interactive"]);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    assert.equal(outputs.nodeVersion, process.version, "the program ran on this test's Node");
    assert.ok(
      String(outputs.sdkDirectory).startsWith(path.join(fs.realpathSync(project.dir), "node_modules", "@pulumi")),
      outputs.sdkDirectory,
    );
    assert.equal(outputs.state, "PROCESSING");
    const name = String(outputs.operationName);
    assert.ok(name.startsWith(`${DB}/operations/`), name);

    const state = JSON.parse((await project.pulumi(["stack", "export"])).stdout);
    // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
    const resources: any[] = state.deployment.resources;
    const component = resources.find((r) => r.type === "user:backups:NightlyBackup");
    const declared = resources.find((r) => r.type === "firestore-operations:index:FirestoreExport");
    const ours = resources.find((r) => r.type === "pulumi-nodejs:dynamic/firestore-operations:FirestoreExport");
    assert.ok(component && declared && ours, JSON.stringify(resources.map((r) => r.type)));
    assert.equal(declared.parent, component.urn, "our resource is a child of the user's component");
    assert.equal(ours.parent, declared.urn, "and its start step a child of it");
    assert.equal(ours.id, name);

    await project.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
    assert.equal((await admin(name)).metadata.operationState, "PROCESSING", "refresh changes nothing");
    const destroy = await project.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    assert.match(destroy.stdout, /CANCELLED after/);
    assert.equal((await admin(name)).metadata.operationState, "CANCELLED");
  });

  test("an Automation API inline program, started from another working directory", async () => {
    const result = await runCommand(
      process.execPath,
      [path.join(project.dir, "automation", "deploy.js"), `${emulator.url}/v1/`, credentialsFile],
      project.elsewhere,
      project.env,
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const line = result.stdout.split("\n").find((text) => text.startsWith("RESULT "));
    assert.ok(line, result.stdout);
    const run = JSON.parse(line.slice("RESULT ".length));
    assert.deepEqual(run.upChanges, { create: 4 }); // the stack, the export, its StackInstance and its start step
    assert.equal(run.outputs.state, "PROCESSING");
    assert.equal(run.refreshResult, "succeeded");
    assert.match(run.destroyStdout, /CANCELLED after/);
    assert.deepEqual(run.destroyChanges, { delete: 4 });
    assert.equal((await admin(run.outputs.operationName)).metadata.operationState, "CANCELLED");
  });
});

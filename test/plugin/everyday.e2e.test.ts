/**
 * Plugin mode through the commands users run every day, with the declarations they write first: a YAML program
 * holding each of the four resources with only its required inputs (every default; a bulk delete needs its
 * collections), through preview, up,
 * refresh, up --refresh, preview --refresh, preview --diff and destroy --refresh; and two stacks of one name (two
 * backends sharing one start journal folder, then a stack removed and created again). Each command must exit 0,
 * plan no change where none is due, and start nothing it should not: the emulator's request log counts every start
 * and cancel.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { START_ENDPOINTS } from "../support/emulator-client";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import {
  createPluginProject,
  type LoggedRequest,
  PLUGIN_NAME,
  type PluginProject,
  pluginResources,
} from "../support/plugin-project";
import { plannedChanges } from "../support/pulumi-cli";

const DB = "projects/demo-project/databases/(default)";
/** Long enough that only a cancel ends an operation the stack started. */
const EMULATOR_ARGS = ["--duration-ms", "600000", "--cancel-latency-ms", "200"];
const UP = ["up", "--yes", "--non-interactive", "--skip-preview"];

type Declared = Record<string, { type: string; properties: Record<string, unknown> }>;

function program(resources: Declared): Record<string, unknown> {
  return { name: "plugin-everyday", runtime: "yaml", resources };
}

const starts = (log: LoggedRequest[]) =>
  log.filter((r) => START_ENDPOINTS.includes(r.endpoint ?? "") && r.method === "POST");
const cancels = (log: LoggedRequest[]) => log.filter((r) => r.endpoint === "operations.cancel");

describe("plugin mode: every resource with only its required inputs, through the everyday commands", () => {
  let p: PluginProject;
  before(async () => {
    p = await createPluginProject({ install: "npm-global", project: program({}), emulatorArgs: EMULATOR_ARGS });
  });
  after(async () => {
    await p?.dispose();
  });

  test("preview, up, refresh, up --refresh, preview --refresh, preview --diff, destroy --refresh", async () => {
    // Outside the stack: the folder the import reads (a finished export) and the operation the adoption takes.
    const source = await p.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/source" });
    const finished = await p.admin("POST", `/emulator/v1/${source.name}:finish`, { state: "SUCCESSFUL" });
    assert.equal(finished?.state, "SUCCESSFUL", JSON.stringify(finished));
    const adopted = await p.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/adopted" });
    assert.match(adopted?.name ?? JSON.stringify(adopted), /\/operations\//);
    const before = (await p.requests()).length;
    const log = async () => (await p.requests()).slice(before);

    const type = (name: string) => `${PLUGIN_NAME}:index:${name}`;
    p.writeProject(
      program({
        exp: { type: type("FirestoreExport"), properties: { outputUriPrefix: "gs://bkt/min" } },
        imp: { type: type("FirestoreImport"), properties: { inputUriPrefix: "gs://bkt/source" } },
        // A bulk delete needs collectionIds or namespaceIds (the check says so): its least declaration.
        del: { type: type("FirestoreBulkDelete"), properties: { collectionIds: ["scratch"] } },
        adopt: { type: type("FirestoreOperation"), properties: { operationName: adopted.name } },
      }),
    );

    const preview = await p.pulumi(["preview", "--non-interactive"]);
    assert.match(preview.stdout, /\d+ to create/);
    assert.deepEqual(starts(await log()), [], "preview starts nothing");

    await p.pulumi(UP);
    const state = p.readState();
    const ids = ["FirestoreExport", "FirestoreImport", "FirestoreBulkDelete", "FirestoreOperation"].map(
      (name) => pluginResources(state, name)[0]?.id,
    );
    assert.ok(
      ids.every((id) => typeof id === "string"),
      `each resource is in state: ${ids}`,
    );
    assert.equal(ids[3], adopted.name, "the adoption holds the operation started outside");
    assert.deepEqual(
      starts(await log())
        .map((r) => r.operation)
        .sort(),
      ids.slice(0, 3).sort(),
      "one start per started resource: the one in state",
    );

    for (const args of [
      ["refresh", "--yes", "--non-interactive", "--skip-preview"],
      ["up", "--refresh", "--yes", "--non-interactive", "--skip-preview"],
      ["preview", "--refresh", "--non-interactive"],
      ["preview", "--diff", "--non-interactive"],
    ]) {
      const result = await p.pulumi(args);
      assert.deepEqual(plannedChanges(result), [], `pulumi ${args.join(" ")} plans no change:\n${result.stdout}`);
    }
    assert.equal(starts(await log()).length, 3, "the everyday commands started nothing more");
    assert.deepEqual(cancels(await log()), [], "nor cancelled anything");

    const destroy = await p.pulumi(["destroy", "--refresh", "--yes", "--non-interactive", "--skip-preview"]);
    assert.match(destroy.stdout, /\d+ deleted/);
    for (const name of ["FirestoreExport", "FirestoreImport", "FirestoreBulkDelete", "FirestoreOperation"]) {
      assert.deepEqual(pluginResources(p.readState(), name), [], `no ${name} left in state`);
    }
    const cancelled = new Set(cancels(await log()).map((r) => r.operation));
    for (const id of ids) {
      assert.ok(cancelled.has(id), `destroy cancelled ${id}`);
      const op = await p.admin("GET", `/v1/${id}`);
      assert.equal(op.metadata?.operationState, "CANCELLED", `${id}: ${JSON.stringify(op.metadata)}`);
    }
    assert.equal(starts(await log()).length, 3, "destroy started nothing");
  });
});

describe("plugin mode: a start journal entry belongs to one stack", () => {
  let emulator: EmulatorProcess;
  let journal: string;
  const projects: PluginProject[] = [];
  const exportProgram = program({
    backup: { type: `${PLUGIN_NAME}:index:FirestoreExport`, properties: { outputUriPrefix: "gs://bkt/same" } },
  });
  /** A project of the same name and stack name on a backend of its own, journalling into the shared folder. */
  const project = async () => {
    const created = await createPluginProject({
      install: "npm-global",
      project: exportProgram,
      emulator,
      env: { FIRESTORE_OPS_STATE_DIR: journal },
    });
    projects.push(created);
    return created;
  };
  const exportIn = (p: PluginProject): string => pluginResources(p.readState(), "FirestoreExport")[0]?.id;
  const exportStarts = async (p: PluginProject) => starts(await p.requests()).filter((r) => r.status === 200);

  before(async () => {
    emulator = await spawnEmulator(["--auth", "oauth", ...EMULATOR_ARGS]);
    journal = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-journal-"));
  });
  after(async () => {
    for (const p of projects) await p.dispose();
    await emulator?.kill();
    fs.rmSync(journal, { recursive: true, force: true });
  });

  test("two backends, same project and stack name: B starts its own export, and B's destroy cancels only B's", async () => {
    const a = await project();
    const b = await project();
    assert.equal(a.stackName, b.stackName);
    assert.notEqual(a.env.PULUMI_BACKEND_URL, b.env.PULUMI_BACKEND_URL, "two backends");
    await a.pulumi(UP);
    await b.pulumi(UP);
    const [opA, opB] = [exportIn(a), exportIn(b)];
    assert.ok(opA && opB && opA !== opB, `each stack holds its own export: ${opA}, ${opB}`);
    assert.deepEqual(
      (await exportStarts(a)).map((r) => r.operation),
      [opA, opB],
      "two starts, one per stack",
    );
    assert.ok(fs.readdirSync(journal, { recursive: true }).length > 0, "both wrote to the shared journal folder");

    await b.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    assert.deepEqual(
      cancels(await a.requests()).map((r) => r.operation),
      [opB],
    );
    assert.equal((await a.admin("GET", `/v1/${opA}`)).metadata?.operationState, "PROCESSING", "A's runs on");
  });

  test("pulumi stack rm --force, then a new stack of the same name: up starts a new export", async () => {
    const a = projects[0] as PluginProject;
    const old = exportIn(a);
    const config = fs.readFileSync(path.join(a.dir, `Pulumi.${a.stackName}.yaml`), "utf8");
    await a.pulumi(["stack", "rm", a.stackName, "--force", "--yes", "--non-interactive"]);
    fs.writeFileSync(path.join(a.dir, `Pulumi.${a.stackName}.yaml`), config);
    await a.pulumi(["stack", "init", a.stackName, "--non-interactive"]);
    const before = (await exportStarts(a)).length;
    await a.pulumi(UP);
    const fresh = exportIn(a);
    assert.ok(fresh && fresh !== old, `the new stack holds a new export: ${fresh}, the removed one held ${old}`);
    assert.equal((await exportStarts(a)).length, before + 1, "one new start");
  });
});

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { createE2eStack, type E2eStack, operationResources } from "../support/e2e-stack";
import { repoRoot } from "../support/repo";

const DB = "projects/demo-project/databases/(default)";

describe("end to end: waitFor done, initialization failures, adoption", () => {
  let e: E2eStack;
  before(async () => {
    e = await createE2eStack(["--duration-ms", "1500", "--cancel-latency-ms", "500"]);
  });
  after(async () => {
    await e?.dispose();
  });

  test('waitFor "done": up returns once the export finished', async () => {
    await e.declare([
      { kind: "FirestoreExport", name: "done", args: { outputUriPrefix: "gs://bkt/done", waitFor: "done" } },
    ]);
    const up = await e.pulumi(["up", "--yes", "--non-interactive"]);
    assert.match(up.stdout, /finished: SUCCESSFUL/);
    const [resource] = operationResources(await e.exportState());
    assert.equal(resource.outputs.state, "SUCCESSFUL");
    assert.equal(resource.outputs.progressPercent, 100);
    await e.pulumi(["destroy", "--yes", "--non-interactive"]);
  });

  test("an initialization failure keeps the operation in state; the next destroy cancels it", async () => {
    await e.control("PATCH", "behaviour", { operationDurationMs: 600_000 });
    await e.declare([
      {
        kind: "FirestoreExport",
        name: "slow",
        args: { outputUriPrefix: "gs://bkt/slow", waitFor: "done", timeouts: { create: "3s" } },
      },
    ]);
    const up = await e.pulumi(["up", "--yes", "--non-interactive"], 1);
    assert.match(up.stdout + up.stderr, /Timed out after 3s waiting for the operation to finish/);
    const [resource] = operationResources(await e.exportState());
    assert.ok(resource, "the operation we started is in state");
    assert.deepEqual(resource.initErrors?.length, 1);
    assert.equal((await e.admin("GET", `/v1/${resource.id}`)).metadata.operationState, "PROCESSING");
    const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive"]);
    assert.match(destroy.stdout, /CANCELLED after/);
    assert.equal((await e.admin("GET", `/v1/${resource.id}`)).metadata.operationState, "CANCELLED");
    const posts = (await e.requests()).filter((r) => r.endpoint === "exportDocuments" && r.operation === resource.id);
    assert.equal(posts.length, 1, "never started twice");
  });

  test("adopting an operation started elsewhere (an index build); destroy cancels it", async () => {
    const index = await e.admin("POST", `/v1/${DB}/collectionGroups/users/indexes`, {
      fields: [{ fieldPath: "age", order: "ASCENDING" }],
    });
    assert.match(index?.name ?? JSON.stringify(index), /\/operations\//);
    await e.declare([{ kind: "FirestoreOperation", name: "adopted", args: { operationName: index.name } }]);
    await e.pulumi(["up", "--yes", "--non-interactive"]);
    const [resource] = operationResources(await e.exportState());
    assert.equal(resource.id, index.name);
    assert.equal(resource.outputs.operationType, "IndexOperationMetadata");
    await e.pulumi(["destroy", "--yes", "--non-interactive"]);
    assert.equal((await e.admin("GET", `/v1/${index.name}`)).metadata.state, "CANCELLED");
  });
});

describe("end to end: a stack created by an older build is destroyed by the current one", () => {
  test("the state holds only the shim; refresh and destroy run the package installed now", async () => {
    const e = await createE2eStack(["--duration-ms", "600000", "--cancel-latency-ms", "300"]);
    const oldBuild = fs.mkdtempSync(path.join(os.tmpdir(), "old-build-"));
    try {
      // An "older build": a copy of the package whose delete cannot work. If destroy ran the code that created
      // the resource (instead of the package installed at destroy time), it would fail.
      fs.cpSync(path.join(repoRoot(), "dist"), path.join(oldBuild, "dist"), { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
      fs.writeFileSync(path.join(oldBuild, "package.json"), JSON.stringify({ ...manifest, version: "0.0.1-old" }));
      fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(oldBuild, "node_modules"));
      const lifecycle = path.join(oldBuild, "dist/provider/lifecycle.js");
      fs.writeFileSync(
        lifecycle,
        fs
          .readFileSync(lifecycle, "utf8")
          .replace(
            "async delete(id, props) {",
            'async delete(id, props) { throw new Error("old build: delete is broken");',
          ),
      );
      const installed = path.join(e.stack.programDir, "node_modules", "pulumi-firestore-operations");
      fs.rmSync(installed);
      fs.symlinkSync(oldBuild, installed);

      await e.declare([{ kind: "FirestoreExport", name: "legacy", args: { outputUriPrefix: "gs://bkt/legacy" } }]);
      await e.pulumi(["up", "--yes", "--non-interactive"]);
      const [created] = operationResources(await e.exportState());
      const shim = String(created.inputs.__provider);
      assert.ok(Buffer.byteLength(shim) < 4096, `__provider is ${Buffer.byteLength(shim)} bytes`);
      assert.doesNotMatch(shim, /old build/, "no implementation in state");

      // Upgrade: the program folder now has the current package.
      fs.rmSync(installed);
      fs.symlinkSync(repoRoot(), installed);
      await e.pulumi(["refresh", "--yes", "--non-interactive"]);
      const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive"]);
      assert.match(destroy.stdout, /CANCELLED after/);
      assert.equal((await e.admin("GET", `/v1/${created.id}`)).metadata.operationState, "CANCELLED");
    } finally {
      await e.dispose();
      fs.rmSync(oldBuild, { recursive: true, force: true });
    }
  });
});

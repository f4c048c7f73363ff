import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { PROVIDER_METHODS } from "../../provider/runtime";
import { providerModuleText } from "../../provider/shim";
import { repoRoot } from "../support/repo";

describe("the provider module stored in state (__provider)", () => {
  test("is small, holds no logic or secrets, and requires the installed package at run time", async () => {
    const text = providerModuleText("export");
    // A serialized closure of the same shim was 2,500-2,750 bytes; state holds this twice per resource.
    assert.ok(Buffer.byteLength(text) < 1024, `__provider is ${Buffer.byteLength(text)} bytes`);
    console.log(`__provider: ${Buffer.byteLength(text)} bytes`);
    assert.match(text, /pulumi-firestore-operations\/runtime/);
    assert.doesNotMatch(text, /GoogleAuth|fetch\(|private_key|Bearer/);

    // Load it the way the dynamic provider host does (require-from-string), from a program folder whose
    // node_modules has the package; it must forward to the installed runtime.
    const program = fs.mkdtempSync(path.join(os.tmpdir(), "shim-program-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(repoRoot(), path.join(program, "node_modules", "pulumi-firestore-operations"));
    const cwd = process.cwd();
    try {
      process.chdir(program);
      const requireFromString = require(
        require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }),
      );
      const provider = requireFromString(text).handler();
      assert.deepEqual(Object.keys(provider), ["configure", ...PROVIDER_METHODS]);
      const checked = await provider.check({}, { outputUriPrefix: "gs://bkt", project: "p-123456" });
      assert.deepEqual(checked.failures, []);
      assert.equal(checked.inputs.database, "projects/p-123456/databases/(default)");

      process.chdir(os.tmpdir());
      const orphan = requireFromString(text).handler();
      await assert.rejects(orphan.check({}, {}), /needs the npm package pulumi-firestore-operations in /);
    } finally {
      process.chdir(cwd);
      fs.rmSync(program, { recursive: true, force: true });
    }
  });
});

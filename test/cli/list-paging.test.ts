import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { adminRequests, runCli, setBehaviour, startExport, target } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

describe("firestore-ops list --limit and --page-size, with gcloud's meaning", () => {
  test("--page-size sets the API's page size; --limit stops fetching once enough came back", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      await setBehaviour(emu, { operationDurationMs: 600_000 });
      const started: string[] = [];
      for (let i = 0; i < 5; i++) started.push(await startExport(emu, `gs://bkt/e${i}`));
      const listed = async (...args: string[]) => {
        const before = (await adminRequests(emu)).length;
        const result = await runCli(["list", "--json", ...args, ...target(emu)]);
        assert.equal(result.code, 0, result.stderr);
        const requests = (await adminRequests(emu)).slice(before);
        return {
          names: (JSON.parse(result.stdout) as { name: string }[]).map((op) => op.name),
          pages: requests.filter((request) => request.endpoint === "operations.list").length,
        };
      };

      const all = await listed();
      assert.deepEqual([...all.names].sort(), [...started].sort(), "the setup: five operations in flight");
      assert.equal(all.pages, 1);
      const paged = await listed("--page-size", "2");
      assert.deepEqual(paged.names, all.names, "the same operations, in the same order");
      assert.equal(paged.pages, 3, "2 + 2 + 1");
      const limited = await listed("--limit", "3");
      assert.equal(limited.names.length, 3);
      assert.equal(limited.pages, 1, "one page of 3: the page size follows a smaller limit");
      const both = await listed("--limit", "3", "--page-size", "2");
      assert.equal(both.names.length, 3);
      assert.equal(both.pages, 2, "no third page once 3 came back");
    });
  });
});

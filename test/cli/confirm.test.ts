/**
 * bulk-delete's confirmation: asked on a terminal (only "y"/"yes" goes on, end of input is a no), never waited
 * for without one. Runs `main` in-process, since a child's stdin cannot be a terminal without a pty.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { main } from "../../cli/main";
import { adminRequests, target } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

/** A terminal that answers `answer` (undefined: closed without a line). */
function terminal(answer: string | undefined): PassThrough & { isTTY: boolean } {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  if (answer === undefined) input.end();
  else input.end(`${answer}\n`);
  return input;
}

function collector(): { write(text: string): boolean; text: string } {
  return {
    text: "",
    write(text: string) {
      this.text += text;
      return true;
    },
  };
}

const HOME = fs.mkdtempSync(path.join(os.tmpdir(), "firestore-ops-confirm-"));
process.on("exit", () => fs.rmSync(HOME, { recursive: true, force: true }));
const ENV = { HOME, CLOUDSDK_CONFIG: HOME };

describe("bulk-delete asks before it deletes", () => {
  test("on a terminal: only yes sends the request; no, or no answer, sends nothing (exit 2)", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 600_000 } }, async (emu) => {
      const args = ["bulk-delete", "--collection-ids", "users,orders", "--async", ...target(emu)];
      for (const answer of ["n", "", "yess", undefined]) {
        const stdout = collector();
        const stderr = collector();
        const code = await main(args, ENV, stdout, stderr, terminal(answer));
        assert.equal(code, 2, `${answer}: ${stderr.text}`);
        assert.match(
          stderr.text,
          /^Bulk delete every document of projects\/demo-project\/databases\/\(default\) in collection groups: orders, users; namespaces: all\? .*\[y\/N\] Not confirmed: nothing was sent\.\n$/,
        );
        assert.equal(stdout.text, "");
      }
      assert.deepEqual(await adminRequests(emu), [], "nothing was sent");

      const stdout = collector();
      const stderr = collector();
      assert.equal(await main(args, ENV, stdout, stderr, terminal("y")), 0, stderr.text);
      const posts = (await adminRequests(emu)).filter((r) => r.endpoint === "bulkDeleteDocuments");
      assert.equal(posts.length, 1);
      assert.equal(stdout.text, `${posts[0]?.operation}\n`);
    });
  });

  test("--quiet does not ask, even on a terminal", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 600_000 } }, async (emu) => {
      const stdout = collector();
      const stderr = collector();
      const input = terminal(undefined);
      const code = await main(
        ["bulk-delete", "--namespace-ids", "a", "--quiet", "--async", ...target(emu)],
        ENV,
        stdout,
        stderr,
        input,
      );
      assert.equal(code, 0, stderr.text);
      assert.ok(!stderr.text.includes("[y/N]"), stderr.text);
      assert.equal((await adminRequests(emu)).filter((r) => r.endpoint === "bulkDeleteDocuments").length, 1);
    });
  });
});

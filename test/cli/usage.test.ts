import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { adminRequests, runCli, target } from "../support/cli-harness";
import { withEmulator } from "../support/emulator-client";

/** Exit 2, the flag named first in the message, and the pointer to --help. */
function assertUsageError(result: { code: number | null; stderr: string; stdout: string }, flag: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`^firestore-ops: ${flag.source}`));
  assert.match(result.stderr, /Run "firestore-ops --help" for usage\.\n$/);
  assert.equal(result.stdout, "");
}

describe("firestore-ops: bad input fails with exit 2 before any request", () => {
  test("bad names and flags name what is wrong, and nothing reaches the server", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const cases: [string[], RegExp][] = [
        [["describe", "bad/name"], /NAME: must be a full operation name or an operation id, got "bad\/name"/],
        [["describe", "projects/demo-project/databases/(default)/operations/a?b"], /NAME: operation id "a\?b"/],
        [["cancel", "projects/Demo/databases/(default)/operations/x"], /NAME: project id "Demo"/],
        [["watch", "abc", "--database", "Bad_DB"], /--database: database id "Bad_DB"/],
        [
          ["describe", "projects/demo-project/databases/(default)/operations/x", "--database", "other-db"],
          /--database: "other-db" disagrees with the database in NAME/,
        ],
        [
          ["list", "--project", "other-project", "--database", "projects/demo-project/databases/(default)"],
          /--project: "other-project" disagrees with the project in --database \("demo-project"\)/,
        ],
        [["watch", "abc", "--timeout", "soon"], /--timeout: must be a duration such as "90s"/],
        [["cancel", "abc", "--timeout", "5m"], /--timeout: applies only with --wait/],
        [["list", "--wait"], /--wait: applies only to cancel, not to list/],
        [["describe"], /NAME: is required: firestore-ops describe NAME/],
        [["describe", "a", "b"], /NAME: describe takes one operation, got 2/],
        [
          ["frobnicate"],
          /COMMAND: "frobnicate" is not one of list, describe, cancel, watch, delete, export, import, bulk-delete/,
        ],
        [["list", "--verbose"], /--verbose: is not a flag of firestore-ops\n/],
        [["list", "--project"], /--project: needs a value\n/],
        [["list", "--all=yes"], /--all: takes no value\n/],
        [["list", "--format", "xml"], /--format: "xml" is not one of table, json, yaml/],
        [["list", "--format", "yaml", "--json"], /--json: contradicts --format yaml/],
        [["list", "--limit", "0"], /--limit: must be a whole number of at least 1, got "0"/],
        [["list", "--page-size", "ten"], /--page-size: must be a whole number of at least 1, got "ten"/],
        [["describe", "x", "--limit", "3"], /--limit: applies only to list, not to describe/],
        [["delete", "a", "b"], /NAME: delete takes one operation, got 2/],
        [["cancel"], /NAME: is required: firestore-ops cancel NAME \[NAME\.\.\.\]/],
        [["cancel", "ok-id", "bad/name"], /NAME: must be a full operation name or an operation id, got "bad\/name"/],
      ];
      for (const [args, message] of cases) {
        // Flags given later win, so the cases can override the project that target() sets.
        assertUsageError(await runCli([...target(emu), ...args]), message);
      }
      assert.deepEqual(await adminRequests(emu), [], "no request was sent");
    });
  });

  test("a bare id without any project says how to give one", async () => {
    const result = await runCli(["describe", "abc", "--endpoint", "http://127.0.0.1:9000"]);
    assertUsageError(
      result,
      /--project: is required with the bare database id "\(default\)": pass --project, set GOOGLE_CLOUD_PROJECT/,
    );
  });

  test("plain http to a host that is not loopback is refused, naming the flag or the variable that set it", async () => {
    const flag = await runCli([
      "list",
      "--project",
      "demo-project",
      "--endpoint",
      "http://192.0.2.1:8080",
      "--access-token",
      DEV_TOKEN,
    ]);
    assertUsageError(
      flag,
      /--endpoint: plain http is only allowed to loopback addresses; set FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT=true to send tokens to 192\.0\.2\.1:8080 unencrypted/,
    );

    const variable = await runCli(["describe", "abc", "--project", "demo-project"], {
      env: { FIRESTORE_CUSTOM_ENDPOINT: "http://firestore.example.com/v1/", GOOGLE_OAUTH_ACCESS_TOKEN: DEV_TOKEN },
    });
    assertUsageError(variable, /FIRESTORE_CUSTOM_ENDPOINT: plain http is only allowed to loopback addresses/);

    const scheme = await runCli(["list", "--project", "demo-project", "--endpoint", "ftp://127.0.0.1/"]);
    assertUsageError(scheme, /--endpoint: must be https:\/\/ \(or http:\/\/ to loopback\), got ftp:/);
    // Refused at once: 192.0.2.1 is TEST-NET-1, where a request would hang; none was tried (no retry, no connect
    // error), the usage error and its help line are all the CLI said.
    for (const result of [flag, variable, scheme]) {
      assert.equal(result.stderr.split("\n").length, 3, result.stderr);
    }
  });

  test("--help documents the commands and the exit codes; no command is a usage error", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    for (const text of ["list", "describe NAME", "cancel NAME", "watch NAME", "--all", "--wait", "--timeout D"]) {
      assert.ok(help.stdout.includes(text), text);
    }
    assert.match(help.stdout, /Exit codes:\n\s+0\s+done as asked/);
    for (const code of ["1", "2", "3", "4", "130"]) assert.match(help.stdout, new RegExp(`^\\s+${code}\\s+\\S`, "m"));

    assert.equal((await runCli(["help"])).stdout, help.stdout);
    assertUsageError(await runCli([]), /COMMAND: is required/);
    assert.match((await runCli(["--version"])).stdout, /^\d+\.\d+\.\d+/);
  });
});

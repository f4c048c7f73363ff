/**
 * `firestore-ops export|import|bulk-delete`: gcloud's arguments, one POST per command, `--async`, the wait with
 * watch's progress, and the provider's start path (quota gate, ambiguous-start lookup), against the emulator.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { describe, test } from "node:test";
import type { RequestLogEntry } from "../../emulator/request-log";
import { adminRequests, operation, runCli, runCliUntil, setBehaviour, target } from "../support/cli-harness";
import { type TestEmulator, withEmulator } from "../support/emulator-client";

/** The start POSTs the emulator saw, of one endpoint. */
async function posts(emu: TestEmulator, endpoint: string): Promise<RequestLogEntry[]> {
  return (await adminRequests(emu)).filter((r) => r.endpoint === endpoint);
}

interface EmulatorOp {
  name: string;
  state: string;
  cancelRequested: boolean;
}

async function operations(emu: TestEmulator): Promise<EmulatorOp[]> {
  return (await emu.control("GET", "operations")).json.operations;
}

/** Exit 2, the flag named first in the message, nothing on stdout. */
function assertUsageError(result: { code: number | null; stderr: string; stdout: string }, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`^firestore-ops: ${message.source}`));
  assert.equal(result.stdout, "");
}

describe("firestore-ops export, import, bulk-delete", () => {
  test("export waits with watch's progress and prints the final state; gcloud's flags make the request; one POST", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 2_500 } }, async (emu) => {
      const result = await runCli([
        "export",
        "gs://bkt/nightly/",
        "--collection-ids=users,orders",
        "--namespace-ids=,tenant-a",
        ...target(emu),
      ]);
      assert.equal(result.code, 0, result.stderr);
      const [post, ...others] = await posts(emu, "exportDocuments");
      assert.deepEqual(others, [], "one POST");
      assert.equal(post?.status, 200);
      const name = post?.operation as string;
      assert.match(result.stderr, new RegExp(`^Started ${literal(name)}; waiting for it to finish`, "m"));
      const lines = result.stdout.trimEnd().split("\n");
      assert.match(lines.at(-1) ?? "", /^\S+ ended SUCCESSFUL after \ds: ([\d,]+)\/\1 documents \(100\.0%\)/);
      assert.match(lines[0] ?? "", /^\d\d:\d\d:\d\dZ \S+: PROCESSING/, "watch's progress");

      const op = await operation(emu, name);
      assert.equal(op.metadata.operationState, "SUCCESSFUL");
      assert.equal(op.metadata.outputUriPrefix, "gs://bkt/nightly", "the trailing slash dropped, as gcloud does");
      assert.deepEqual(op.metadata.collectionIds, ["orders", "users"]);
      assert.deepEqual(op.metadata.namespaceIds, ["", "tenant-a"], "an empty item is the default namespace");
    });
  });

  test("--async returns with the name while the operation runs, for each command; --format json prints it", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 600_000 } }, async (emu) => {
      // A whole minute inside the emulator's hour of versions, written as gcloud's example writes one.
      const snapshotTime = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000).toISOString();
      const cases: [string[], string][] = [
        [["export", "gs://bkt/a", "--snapshot-time", snapshotTime.replace(".000Z", ".00Z")], "exportDocuments"],
        [["import", "gs://bkt/a", "--collection-ids", "users"], "importDocuments"],
        [["bulk-delete", "--collection-ids", "users", "--quiet"], "bulkDeleteDocuments"],
      ];
      for (const [args, endpoint] of cases) {
        const result = await runCli([...args, "--async", ...target(emu)]);
        assert.equal(result.code, 0, result.stderr);
        const sent = await posts(emu, endpoint);
        assert.equal(sent.length, 1, `one ${endpoint} POST`);
        assert.equal(result.stdout, `${sent[0]?.operation}\n`, "stdout is the operation's name");
        assert.equal((await operation(emu, sent[0]?.operation as string)).metadata.operationState, "PROCESSING");
      }
      const json = await runCli(["export", "gs://bkt/b", "--async", "--format", "json", ...target(emu)]);
      assert.equal(json.code, 0, json.stderr);
      const resource = JSON.parse(json.stdout);
      assert.equal(resource.name, (await posts(emu, "exportDocuments"))[1]?.operation);
      assert.equal(resource.metadata.outputUriPrefix, "gs://bkt/b");
      assert.equal((await operations(emu)).filter((o) => o.state === "PROCESSING").length, 4, "all still run");
    });
  });

  test("bulk-delete waits and reports a FAILED end: exit 3 with its error", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 2_000, failureRate: 1 } }, async (emu) => {
      const result = await runCli(["bulk-delete", "--namespace-ids", "tenant-a", "-q", ...target(emu)]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stdout, /^\S+ ended FAILED after \ds.* \(code 13: The operation failed/m);
      assert.equal((await posts(emu, "bulkDeleteDocuments")).length, 1);
    });
  });

  test("bad arguments and flags fail with exit 2, naming the flag and the rule, before anything is sent", async () => {
    await withEmulator({ auth: "oauth" }, async (emu) => {
      const cases: [string[], RegExp][] = [
        [["export"], /OUTPUT_URI_PREFIX: is required: firestore-ops export gs:\/\/BUCKET\[\/PATH\]/],
        [["export", "gs://bkt/a", "gs://bkt/b"], /OUTPUT_URI_PREFIX: export takes one URI, got 2/],
        [
          ["export", "s3://bkt"],
          /OUTPUT_URI_PREFIX: must be a Cloud Storage URI gs:\/\/BUCKET\[\/PATH\], got "s3:\/\/bkt"/,
        ],
        [
          ["export", "gs://Bad_Bucket"],
          /OUTPUT_URI_PREFIX: bucket "Bad_Bucket" is not a valid Cloud Storage bucket name/,
        ],
        [
          ["export", "gs://bkt/a/../b"],
          /OUTPUT_URI_PREFIX: path "a\/..\/b" must not contain empty, "." or ".." segments/,
        ],
        [["import", "gs://bkt"], /INPUT_URI_PREFIX: must name the folder of a finished export/],
        [
          ["export", "gs://bkt", "--collection-ids", "a/b"],
          /--collection-ids\[0\]: "a\/b" must be a collection group id/,
        ],
        [["export", "gs://bkt", "--collection-ids", "a,b,a"], /--collection-ids\[2\]: "a" appears more than once/],
        [["export", "gs://bkt", "--collection-ids", "a,"], /--collection-ids\[1\]: must not be empty/],
        [["import", "gs://bkt/x", "--namespace-ids", "__x__"], /--namespace-ids\[0\]: "__x__" is reserved/],
        [["export", "gs://bkt", "--snapshot-time", "2020-01-01T10:20:30Z"], /--snapshot-time: must be a whole minute/],
        [["export", "gs://bkt", "--snapshot-time", "2999-01-01T00:00:00Z"], /--snapshot-time: must be in the past/],
        [["export", "gs://bkt", "--snapshot-time", "yesterday"], /--snapshot-time: must be an RFC 3339 timestamp/],
        [
          ["import", "gs://bkt/x", "--snapshot-time", "2020-01-01T10:20:00Z"],
          /--snapshot-time: applies only to export/,
        ],
        [["export", "gs://bkt", "--timeout", "soon"], /--timeout: must be a duration such as "90s"/],
        [["export", "gs://bkt", "--quiet"], /--quiet: applies only to bulk-delete, not to export/],
        [["bulk-delete", "-q"], /--collection-ids: or --namespace-ids is required: bulk-delete of every document/],
        [["bulk-delete", "gs://bkt", "-q"], /bulk-delete: takes no argument, got 1/],
        [["bulk-delete", "--collection-ids", "users"], /--quiet: is required to bulk delete without a terminal/],
        [["list", "--async"], /--async: applies only to export and import and bulk-delete, not to list/],
        [
          ["watch", "x", "--collection-ids", "a"],
          /--collection-ids: applies only to export and import and bulk-delete/,
        ],
        [["export", "gs://bkt", "--database", "Bad_DB"], /--database: database id "Bad_DB"/],
      ];
      for (const [args, message] of cases) assertUsageError(await runCli([...target(emu), ...args]), message);
      assert.deepEqual(await adminRequests(emu), [], "no request was sent");
    });
  });

  test("a start whose connection is reset after the POST took effect: found by listing, never sent again", async () => {
    await withEmulator(
      {
        auth: "oauth",
        behaviour: {
          operationDurationMs: 600_000,
          faults: { rate: 1, kinds: ["commit-then-reset"], endpoints: ["exportDocuments"] },
        },
      },
      async (emu) => {
        const result = await runCli(["export", "gs://bkt/x", "--collection-ids", "users", "--async", ...target(emu)]);
        assert.equal(result.code, 0, result.stderr);
        const sent = await posts(emu, "exportDocuments");
        assert.equal(sent.length, 1, "the POST was sent once, never again");
        assert.equal(sent[0]?.fault, "commit-then-reset", "the fault was injected");
        const started = sent[0]?.operation as string;
        assert.ok(started, "the faulted POST started an operation");
        assert.equal(result.stdout, `${started}\n`, "the one it started is the one named");
        assert.match(result.stderr, /looking for the operation it may have started before anything else/);
        assert.match(result.stderr, new RegExp(`found the operation the failed request started: ${literal(started)}`));
        assert.ok(
          (await adminRequests(emu)).some((r) => r.endpoint === "operations.list"),
          "it listed the database's operations",
        );
        assert.deepEqual(
          (await operations(emu)).map((o) => o.name),
          [started],
        );
      },
    );
  });

  test("a start refused for quota (429) waits in the quota gate and is sent again; one operation starts", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 600_000 } }, async (emu) => {
      await setBehaviour(emu, {
        faults: { rate: 1, kinds: ["429"], endpoints: ["bulkDeleteDocuments"], retryAfterSeconds: 1 },
      });
      const refused = async () => (await posts(emu, "bulkDeleteDocuments")).filter((r) => r.status === 429).length;
      const result = await runCliUntil(
        ["bulk-delete", "--collection-ids", "users", "--quiet", "--async", ...target(emu)],
        async () => (await refused()) >= 2,
        () => setBehaviour(emu, { faults: { rate: 0 } }),
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /bulk-delete: waiting for Firestore's bulk delete quota: .*next try in 1s/);
      const sent = await posts(emu, "bulkDeleteDocuments");
      assert.ok(sent.filter((r) => r.status === 429).length >= 2, "refused first");
      assert.deepEqual(
        sent.filter((r) => r.status !== 429).map((r) => r.status),
        [200],
        "then accepted once",
      );
      assert.equal(result.stdout, `${sent.at(-1)?.operation}\n`);
      assert.equal((await operations(emu)).length, 1);
    });
  });

  test("Ctrl-C while the start POST is in flight says an operation may have started and where to look: exit 130", async () => {
    await withEmulator(
      {
        auth: "oauth",
        behaviour: {
          operationDurationMs: 600_000,
          faults: { rate: 1, kinds: ["commit-then-slow"], endpoints: ["exportDocuments"], slowMs: 8_000 },
        },
      },
      async (emu) => {
        let cli: ChildProcess | undefined;
        const result = await runCliUntil(
          ["export", "gs://bkt/x", ...target(emu)],
          async () => (await posts(emu, "exportDocuments")).length === 1,
          () => cli?.kill("SIGINT"),
          { onSpawn: (child) => (cli = child) },
        );
        assert.equal(result.code, 130, result.stderr);
        assert.match(
          result.stderr,
          /Interrupted while the exportDocuments request was in flight: an operation may have started\. See what runs with "firestore-ops list --database projects\/demo-project\/databases\/\(default\)"/,
        );
        assert.equal((await posts(emu, "exportDocuments"))[0]?.fault, "commit-then-slow", "the answer was held back");
        assert.equal((await operations(emu)).length, 1, "and the operation it started runs on");
      },
    );
  });

  test("Ctrl-C while waiting stops the wait, says the operation goes on and how to cancel it: exit 130", async () => {
    await withEmulator({ auth: "oauth", behaviour: { operationDurationMs: 600_000 } }, async (emu) => {
      const result = await runCli(["import", "gs://bkt/x", ...target(emu)], {
        // Once the first progress line is out, the wait is on.
        onSpawn: (child) => child.stdout?.once("data", () => child.kill("SIGINT")),
      });
      assert.equal(result.code, 130, result.stderr);
      const name = (await posts(emu, "importDocuments"))[0]?.operation as string;
      assert.match(
        result.stderr,
        new RegExp(
          `Stopped waiting; ${literal(name)} goes on\\. Cancel it with "firestore-ops cancel ${literal(name)} --wait"`,
        ),
      );
      const [op] = await operations(emu);
      assert.deepEqual([op?.name, op?.state, op?.cancelRequested], [name, "PROCESSING", false], "untouched");
    });
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

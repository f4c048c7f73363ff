import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { overAfter, steppedClock } from "../support/stepped-clock";

const EXPORT = `/v1/${DB}:exportDocuments`;

async function operationCount(emu: TestEmulator): Promise<number> {
  return (await emu.control("GET", "operations")).json.operations.length;
}

/** A 400 INVALID_ARGUMENT in the AIP-193 envelope naming `field`, and no operation created. */
async function expectInvalid(emu: TestEmulator, pathname: string, body: unknown, field: string, message: RegExp) {
  const before = await operationCount(emu);
  const reply = await emu.call("POST", pathname, body);
  assert.equal(reply.status, 400, JSON.stringify(reply.json).slice(0, 300));
  assert.equal(reply.json.error.status, "INVALID_ARGUMENT");
  assert.match(reply.json.error.message, message);
  const badRequest = reply.json.error.details.find((d: { "@type": string }) => d["@type"].endsWith("BadRequest"));
  assert.equal(badRequest.fieldViolations[0].field, field);
  assert.ok(JSON.stringify(reply.json).length < 2_000, "the answer quotes the value cut short, not whole");
  assert.equal(await operationCount(emu), before, "no operation was created");
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "emu-names-"));
}

describe("Cloud Storage names", () => {
  test("prefixes that Cloud Storage would refuse are 400 INVALID_ARGUMENT at the request, naming the field", async () => {
    await withEmulator({}, async (emu) => {
      const out = "output_uri_prefix";
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://bkt/a\u0000b" }, out, /NUL, carriage return/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://bkt/a\nb" }, out, /line feed/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://bkt/a\rb" }, out, /carriage return/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://bkt/a\ud800b" }, out, /not valid UTF-8/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: `gs://bkt/${"é".repeat(513)}` }, out, /1026 bytes.*1024/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: `gs://bkt/${"x".repeat(900_000)}` }, out, /at most 1024/);
      for (const bucket of ["B_ad", "ab", "-abc", "abc-", `${"a".repeat(64)}`, "a..b", "192.168.1.1", "goog-x"]) {
        await expectInvalid(
          emu,
          EXPORT,
          { outputUriPrefix: `gs://${bucket}/x` },
          out,
          /not a valid Cloud Storage bucket/,
        );
      }
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://my-google-bkt/x" }, out, /contain "google"/);
      await expectInvalid(emu, EXPORT, { outputUriPrefix: "gs://bkt/a//b" }, out, /empty, "\." or "\.\." segments/);
      await expectInvalid(
        emu,
        EXPORT,
        { outputUriPrefix: 42 },
        out,
        /Invalid value at 'output_uri_prefix' \(TYPE_STRING\), 42/,
      );
      await expectInvalid(
        emu,
        `/v1/${DB}:importDocuments`,
        { inputUriPrefix: "gs://bkt/a\u0000b" },
        "input_uri_prefix",
        /NUL/,
      );
      // The limit is on whole object names: with a long prefix, the files the export writes would not fit.
      await expectInvalid(
        emu,
        EXPORT,
        { outputUriPrefix: `gs://bkt/${"x".repeat(600)}` },
        out,
        /would write an object named .* of 1\d{3} bytes/,
      );

      // Names at the limits are accepted: dotted 222-character buckets, 63 between dots.
      const dotted = [62, 62, 62, 33].map((n, i) => String.fromCharCode(97 + i).repeat(n)).join(".");
      assert.equal(dotted.length, 222);
      assert.equal((await emu.call("POST", EXPORT, { outputUriPrefix: `gs://${dotted}/x` })).status, 200);
      assert.equal((await emu.call("POST", EXPORT, { outputUriPrefix: "gs://b_k-t.1/ünïcode/ok" })).status, 200);
    });
  });

  test("with --data-dir, names a file tree cannot hold (a 300-byte segment, an object inside another) export fine", async () => {
    const dataDir = tempDir();
    try {
      const clock = steppedClock();
      await withEmulator({ dataDir, now: clock.now, behaviour: { operationDurationMs: 200 } }, async (emu) => {
        const long = "s".repeat(300);
        const prefixes = [`gs://bkt/${long}`, "gs://bkt/x", "gs://bkt/x/all_namespaces/kind_users/output-0"];
        const names: string[] = [];
        for (const outputUriPrefix of prefixes) {
          const reply = await emu.call("POST", EXPORT, { outputUriPrefix, collectionIds: ["users"] });
          assert.equal(reply.status, 200, JSON.stringify(reply.json));
          names.push(reply.json.name);
        }
        clock.advance(200);
        for (const name of names) {
          const op = await overAfter(emu, clock, name, 0);
          assert.equal(op.metadata.operationState, "SUCCESSFUL", JSON.stringify(op.error));
        }
        const objects = (await emu.control("GET", "storage/bkt?prefix=")).json.objects.map(
          (o: { name: string }) => o.name,
        );
        assert.ok(objects.includes(`${long}/${long}.overall_export_metadata`));
        assert.ok(objects.includes("x/all_namespaces/kind_users/output-0"), "an object ...");
        assert.ok(
          objects.includes("x/all_namespaces/kind_users/output-0/output-0.overall_export_metadata"),
          "... and objects under its name, side by side",
        );
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a list page stops growing past 1 MiB and continues on the next page", async () => {
    await withEmulator({ collections: { users: 10 } }, async (emu) => {
      // Each export carries about 150 KB of collection ids: ten of them are more than a page may hold.
      const ids = (n: number) => Array.from({ length: 100 }, (_, i) => `c${n}-${i}-${"x".repeat(1_490)}`);
      for (let n = 0; n < 10; n++) {
        const reply = await emu.call("POST", EXPORT, { outputUriPrefix: `gs://bkt/big-${n}`, collectionIds: ids(n) });
        assert.equal(reply.status, 200);
      }
      const seen: string[] = [];
      let token = "";
      let pages = 0;
      do {
        const response = await fetch(
          `${emu.url}/v1/${DB}/operations?pageSize=1000${token ? `&pageToken=${token}` : ""}`,
        );
        const text = await response.text();
        assert.ok(text.length < 2.5 * 1024 * 1024, `page ${pages} is ${text.length} bytes`);
        const page = JSON.parse(text);
        seen.push(...page.operations.map((op: { name: string }) => op.name));
        token = page.nextPageToken ?? "";
        pages++;
      } while (token && pages < 20);
      assert.ok(pages > 1, "the operations did not fit one page, so the budget took effect");
      assert.equal(new Set(seen).size, 10, "every operation was listed exactly once");
      assert.equal(seen.length, 10);
    });
  });
});

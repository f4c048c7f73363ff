/**
 * A 2xx answer to the start POST whose body cannot be read is ambiguous: the server said yes, so an operation
 * may exist. Create looks for it and adopts the one the POST started, instead of failing (which orphans it and
 * makes the rerun start a second).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ProxyReply } from "../support/loopback-proxy";
import { withProviderBehindProxy } from "../support/provider-harness";

const FIVE_MIB = 5 * 1024 * 1024;

/** A 200 with this body and content type, instead of the real Operation. */
const answer = (body: string | Buffer, { contentType = "application/json", chunked = false } = {}): ProxyReply => ({
  status: 200,
  headers: { "content-type": contentType },
  body,
  chunked,
});
/** The real Operation, padded past the 4 MiB cap. */
const oversized = (real: Buffer) => Buffer.concat([real, Buffer.alloc(FIVE_MIB, " ")]);

/** What to answer instead of the real Operation, and how the provider names what it could not read. */
const manglers: [string, (real: Buffer) => ProxyReply, RegExp][] = [
  ["an HTML page", () => answer("<html><body>OK</body></html>", { contentType: "text/html" }), /is not JSON/],
  ["truncated JSON", (real) => answer(real.subarray(0, real.length / 2)), /is not JSON/],
  ["an empty object", () => answer("{}"), /has no name/],
  [
    "a body over the 4 MiB cap (Content-Length)",
    (real) => answer(oversized(real)),
    /response of \d+ bytes exceeds the 4194304-byte limit/,
  ],
  [
    "a body over the 4 MiB cap (chunked, no Content-Length)",
    (real) => answer(oversized(real), { chunked: true }),
    /response exceeds the 4194304-byte limit/,
  ],
];

describe("an unreadable 2xx answer to the start POST is ambiguous: the started operation is adopted", () => {
  for (const [what, mangle, reason] of manglers) {
    test(what, async () => {
      await withProviderBehindProxy({ behaviour: { operationDurationMs: 60_000 } }, async (h, proxy) => {
        let mangled = 0;
        proxy.hook = async (request, forward) => {
          if (request.method !== "POST" || !request.url.endsWith(":exportDocuments")) return undefined;
          const real = await forward();
          assert.equal(real.status, 200, "the emulator started the export");
          mangled++;
          return mangle(Buffer.from(real.body ?? ""));
        };
        const { id, outs } = await h.up("export", { outputUriPrefix: "gs://bkt/x", collectionIds: ["users"] });
        assert.equal(mangled, 1, "the proxy mangled the one answer");
        const ops = (await h.emu.control("GET", "operations")).json.operations as { name: string }[];
        assert.deepEqual(
          ops.map((o) => o.name),
          [id],
          "exactly one operation exists, and the resource holds it",
        );
        assert.equal(outs.operationName, id);
        assert.equal(outs.state, "PROCESSING");
        assert.equal((await h.requests("exportDocuments")).length, 1, "the POST was never sent again");
        const warning = h.messages.find((m) => m.level === "warn" && m.text.includes("unreadable answer"));
        assert.match(warning?.text ?? JSON.stringify(h.messages), reason, "the answer took the intended path");
        assert.match(warning?.text ?? "", /looking for the operation it may have started/);
        assert.ok(h.messages.some((m) => m.text.includes(`found the operation the failed request started: ${id}`)));
      });
    });
  }
});

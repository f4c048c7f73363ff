import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, withEmulator } from "../support/emulator-client";

const detail = (json: { error: { details: { "@type": string }[] } }, type: string) =>
  json.error.details.find((d) => d["@type"] === `type.googleapis.com/google.rpc.${type}`);

describe("limit errors, shaped like Google's quota errors", () => {
  test("ErrorInfo RATE_LIMIT_EXCEEDED names the consumer, metric and limit; hints as the knob says", async () => {
    await withEmulator({ behaviour: { limits: { enabled: true, perMinute: 1 } } }, async (emu) => {
      assert.equal(
        (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/a" })).status,
        200,
      );
      const cases = [
        ["both", true, true],
        ["retry-info", true, false],
        ["retry-after", false, true],
        ["none", false, false],
      ] as const;
      for (const [hints, retryInfo, header] of cases) {
        await emu.control("PATCH", "behaviour", { limits: { hints } });
        const refused = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/b" });
        assert.equal(refused.status, 429);
        assert.equal(refused.json.error.status, "RESOURCE_EXHAUSTED");
        const info = detail(refused.json, "ErrorInfo") as unknown as {
          reason: string;
          metadata: Record<string, string>;
        };
        assert.equal(info.reason, "RATE_LIMIT_EXCEEDED");
        assert.equal(info.metadata.consumer, "projects/demo-project");
        assert.equal(info.metadata.service, "firestore.googleapis.com");
        assert.equal(info.metadata.quota_limit, "ExportImportRequestsPerMinutePerProject");
        assert.match(info.metadata.quota_metric ?? "", /^firestore\.googleapis\.com\//);
        assert.equal(detail(refused.json, "RetryInfo") !== undefined, retryInfo, `${hints}: RetryInfo`);
        assert.equal(refused.headers.get("retry-after") !== null, header, `${hints}: Retry-After`);
      }
      const bad = await emu.control("PATCH", "behaviour", { limits: { hints: "sometimes" } });
      assert.equal(bad.status, 400);
      assert.match(bad.json.error.message, /limits\.hints/);
    });
  });
});

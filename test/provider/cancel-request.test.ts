/**
 * requestCancel's judgement "ended before the cancel" against a scripted server, for what the emulator never
 * does: a response without a Date header (our own clock then decides, with an allowance for skew) or with one
 * that does not parse.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { FirestoreAdminClient } from "../../client/admin-client";
import { CLOCK_SKEW_ALLOWANCE_MS, requestCancel } from "../../client/cancel-request";
import { Transport } from "../../client/transport";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS0123`;

/** What the server answers: the Date header of the cancel response (undefined: none), and the operation's end. */
let script: { date: string | undefined; endTime: Date } = { date: undefined, endTime: new Date() };

const server = http.createServer((req, res) => {
  req.resume();
  res.sendDate = false;
  res.setHeader("content-type", "application/json");
  if (req.method === "POST" && req.url?.endsWith(":cancel")) {
    if (script.date !== undefined) res.setHeader("date", script.date);
    res.end("{}");
    return;
  }
  res.end(
    JSON.stringify({
      name: NAME,
      done: true,
      metadata: {
        "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
        operationState: "SUCCESSFUL",
        startTime: new Date(script.endTime.getTime() - 60_000).toISOString(),
        endTime: script.endTime.toISOString(),
        outputUriPrefix: "gs://bkt/x",
      },
      response: {
        "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsResponse",
        outputUriPrefix: "gs://bkt/x",
      },
    }),
  );
});

let client: FirestoreAdminClient;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const transport = new Transport({ auth: { headers: async () => ({ authorization: "Bearer test-token" }) } });
  client = new FirestoreAdminClient(transport, `http://127.0.0.1:${port}/v1/`);
});
after(() => server.close());

async function judged(date: string | undefined, endTime: Date): Promise<string> {
  script = { date, endTime };
  return (await requestCancel(client, NAME, { metadataType: "ExportDocumentsMetadata" })).result;
}

describe("requestCancel: did a finished operation end before the cancel?", () => {
  test("on the server's clock: its end against the cancel response's Date (whole seconds)", async () => {
    const answered = new Date("2026-11-25T08:00:10Z");
    const date = answered.toUTCString();
    assert.equal(await judged(date, new Date("2026-11-25T08:00:08.500Z")), "ended-before");
    assert.equal(await judged(date, new Date("2026-11-25T08:00:09.999Z")), "ended-before");
    // Within the second the Date names, or after it: the cancel may have come first.
    assert.equal(await judged(date, new Date("2026-11-25T08:00:10.400Z")), "sent");
    // Our own clock plays no part: the server's dates are far from now.
    assert.equal(await judged(date, new Date("2026-11-25T08:00:30Z")), "sent");
  });

  test("without a usable Date header, on our clock with an allowance for skew", async () => {
    for (const date of [undefined, "not a date"]) {
      const label = `Date header ${JSON.stringify(date)}`;
      const longAgo = new Date(Date.now() - CLOCK_SKEW_ALLOWANCE_MS - 5_000);
      assert.equal(await judged(date, longAgo), "ended-before", label);
      const justNow = new Date(Date.now() - CLOCK_SKEW_ALLOWANCE_MS / 2);
      assert.equal(await judged(date, justNow), "sent", `${label}: too close to call, so a race`);
    }
  });
});

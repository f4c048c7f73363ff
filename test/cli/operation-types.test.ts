import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { runCli, shortOperationId, target } from "../support/cli-harness";
import { DB, withEmulator } from "../support/emulator-client";
import { skewedClock } from "../support/skewed-clock";

const AUTH = { authorization: `Bearer ${DEV_TOKEN}` };
const USERS = `${DB}/collectionGroups/users`;

/** Every type a busy database's operation list holds, by the request that starts it. */
const STARTS: [type: string, method: string, path: string, body: unknown][] = [
  ["ExportDocuments", "POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/types" }],
  ["BulkDeleteDocuments", "POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["orders"] }],
  [
    "IndexOperation",
    "POST",
    `/v1/${USERS}/indexes`,
    {
      fields: [
        { fieldPath: "a", order: "ASCENDING" },
        { fieldPath: "b", order: "DESCENDING" },
      ],
    },
  ],
  ["FieldOperation", "PATCH", `/v1/${USERS}/fields/expiresAt?updateMask=ttlConfig`, { ttlConfig: {} }],
  [
    "UpdateDatabase",
    "PATCH",
    `/v1/${DB}?updateMask=deleteProtectionState`,
    { deleteProtectionState: "DELETE_PROTECTION_ENABLED" },
  ],
];

describe("firestore-ops list and describe over every operation type", () => {
  test("index, field and database-update operations are listed and described like the document ones", async () => {
    const clock = skewedClock();
    await withEmulator({ auth: "oauth", now: clock.now, behaviour: { operationDurationMs: 60_000 } }, async (emu) => {
      const names = new Map<string, string>();
      for (const [type, method, path, body] of STARTS) {
        const reply = await emu.call(method, path, body, AUTH);
        assert.equal(reply.status, 200, `${type}: ${JSON.stringify(reply.json)}`);
        names.set(type, reply.json.name);
      }
      clock.aheadMs += 10_000;

      const listed = await runCli(["list", ...target(emu)]);
      assert.equal(listed.code, 0, listed.stderr);
      for (const [type, name] of names) {
        const line = listed.stdout.split("\n").find((l) => l.startsWith(shortOperationId(name)));
        assert.ok(line, `${type} is listed:\n${listed.stdout}`);
        assert.match(line, new RegExp(`\\s${type}\\s`), line);
      }
      assert.doesNotMatch(listed.stdout, /undefined|NaN/);

      for (const [type, name] of names) {
        const described = await runCli(["describe", name, ...target(emu)]);
        assert.equal(described.code, 0, `${type}: ${described.stderr}`);
        assert.match(described.stdout, new RegExp(`^Type:\\s+${type}\\b`, "m"));
        assert.doesNotMatch(described.stdout, /undefined|NaN/, described.stdout);
      }
      const field = await runCli(["describe", names.get("FieldOperation") as string, ...target(emu)]);
      assert.match(field.stdout, /^Type:\s+FieldOperation \(a single-field index or TTL policy change\)$/m);
      assert.match(field.stdout, new RegExp(`^Resource:\\s+${USERS.replace(/[()]/g, "\\$&")}/fields/expiresAt$`, "m"));
      assert.match(field.stdout, /^State:\s+PROCESSING$/m, "read from `state`, as index and field metadata name it");
      // UpdateDatabaseMetadata is an empty message: no state to show, and nothing breaks.
      const update = await runCli(["describe", names.get("UpdateDatabase") as string, ...target(emu)]);
      assert.match(update.stdout, /^Done:\s+no$/m);
    });
  });

  test("a type it does not know (one Google adds later) is listed and described by its name", async () => {
    const name = `${DB}/operations/future-op`;
    const operation = {
      name,
      metadata: {
        "@type": "type.googleapis.com/google.firestore.admin.v1.ReticulateSplinesMetadata",
        startTime: "2026-06-01T00:00:00.000000Z",
        phase: { splines: 12 },
        progressWidgets: { estimatedWork: "9" },
      },
    };
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const url = new URL(req.url ?? "/", "http://x");
      const body = url.pathname.endsWith("/operations") ? { operations: [operation] } : operation;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const flags = ["--endpoint", endpoint, "--access-token", DEV_TOKEN, "--project", "demo-project"];
      const listed = await runCli(["list", ...flags]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^future-op\s+ReticulateSplines\s+OPERATION_STATE_UNSPECIFIED\s/m);
      const described = await runCli(["describe", name, ...flags]);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /^Type:\s+ReticulateSplines$/m);
      assert.match(described.stdout, /^Progress:\s+-$/m);
      assert.doesNotMatch(`${listed.stdout}${described.stdout}`, /undefined|NaN/);
      assert.ok(
        seen.some((line) => line.startsWith("GET /v1/") && line.includes("/operations")),
        `the scripted server was asked: ${seen.join(", ")}`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

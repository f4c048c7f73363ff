/**
 * What Google's front end does before a Firestore method runs, played over real sockets: system parameters in
 * their `$` forms and headers (`X-Goog-FieldMask`, `X-HTTP-Method-Override`, `$.xgafv`), JSON-binding errors as
 * it sends them, opaque page tokens bound to their database and filter, and gcloud's parenthesised filters.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";

const SECOND = "projects/demo-project/databases/second";

async function startExport(emu: TestEmulator, database = DB, body: object = {}): Promise<string> {
  const reply = await emu.call("POST", `/v1/${database}:exportDocuments`, { outputUriPrefix: "gs://bkt/p", ...body });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

const names = (reply: { json: { operations?: { name: string }[] } }): string[] =>
  (reply.json.operations ?? []).map((o) => o.name).sort();

describe("front end: system parameters", () => {
  test("X-Goog-FieldMask selects the response's fields like fields=; the query parameter wins over it", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const masked = await emu.call("GET", `/v1/${name}`, undefined, {
        "x-goog-fieldmask": "name,metadata.operationState",
      });
      assert.equal(masked.status, 200);
      assert.deepEqual(Object.keys(masked.json).sort(), ["metadata", "name"]);
      assert.deepEqual(Object.keys(masked.json.metadata).sort(), ["@type", "operationState"]);
      const listed = await emu.call("GET", `/v1/${DB}/operations`, undefined, {
        "x-goog-fieldmask": "operations.name",
      });
      assert.deepEqual(listed.json, { operations: [{ name }] });
      const both = await emu.call("GET", `/v1/${name}?fields=name`, undefined, { "x-goog-fieldmask": "metadata" });
      assert.deepEqual(both.json, { name });
      const bad = await emu.call("GET", `/v1/${name}`, undefined, { "x-goog-fieldmask": "name(" });
      assert.equal(bad.status, 400);
    });
  });

  test("X-HTTP-Method-Override turns a POST into the method it names", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const got = await emu.call("POST", `/v1/${name}`, undefined, { "x-http-method-override": "GET" });
      assert.equal(got.status, 200, JSON.stringify(got.json));
      assert.equal(got.json.name, name);
      const listed = await emu.call("POST", `/v1/${DB}/operations?pageSize=1`, undefined, {
        "x-http-method-override": "get",
      });
      assert.deepEqual(names(listed), [name]);
      const entry = emu.emulator.log.since(0).at(-1);
      assert.equal(entry?.method, "GET", "the log shows the method that ran");
      assert.equal(entry?.endpoint, "operations.list");
      // Without the header, the same POST is unrouted.
      assert.equal((await fetch(`${emu.url}/v1/${name}`, { method: "POST" })).status, 404);
    });
  });

  test("the $ forms of the system parameters are accepted and honoured", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const query = "$fields=name&$prettyPrint=false&$key=k&$quotaUser=u&$userProject=p&$alt=json;enum-encoding=int";
      const response = await fetch(`${emu.url}/v1/${name}?${query.replaceAll("$", "%24")}`);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.equal(text, JSON.stringify({ name }), "$fields selected, $prettyPrint=false gave one line");
      const ints = await emu.call("GET", `/v1/${name}?%24alt=json%3Benum-encoding%3Dint`);
      assert.equal(ints.json.metadata.operationState, 2, "$alt's enum-encoding=int gives PROCESSING as 2");
      const refused = await emu.call("GET", `/v1/${name}?%24bogus=1`);
      assert.equal(refused.status, 400);
    });
  });

  test("$.xgafv=1 answers errors in the older format; 2 and none in google.rpc.Status; others are refused", async () => {
    await withEmulator({}, async (emu) => {
      const missing = `/v1/${DB}/operations/nope`;
      const v1 = await emu.call("GET", `${missing}?%24.xgafv=1`);
      assert.equal(v1.status, 404);
      assert.equal(v1.json.error.code, 404);
      assert.deepEqual(v1.json.error.errors, [
        { message: v1.json.error.message, domain: "global", reason: "notFound" },
      ]);
      assert.equal(v1.json.error.details, undefined);
      for (const query of ["?%24.xgafv=2", ""]) {
        const v2 = await emu.call("GET", `${missing}${query}`);
        assert.equal(v2.json.error.status, "NOT_FOUND");
        assert.ok(Array.isArray(v2.json.error.details));
        assert.equal(v2.json.error.errors, undefined);
      }
      const bad = await emu.call("GET", `${missing}?%24.xgafv=3`);
      assert.equal(bad.status, 400);
      assert.match(bad.json.error.message, /Invalid value at 'xgafv'/);
    });
  });
});

describe("front end: JSON-binding errors", () => {
  test("an unknown name and a value of the wrong type carry a BadRequest detail only", async () => {
    await withEmulator({}, async (emu) => {
      const unknown = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://b/p", bogus: 1 });
      const message = 'Invalid JSON payload received. Unknown name "bogus": Cannot find field.';
      assert.deepEqual(unknown.json.error, {
        code: 400,
        message,
        status: "INVALID_ARGUMENT",
        details: [
          { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ description: message }] },
        ],
      });
      const wrongType = await emu.call("POST", `/v1/${DB}:exportDocuments`, {
        outputUriPrefix: "gs://b/p",
        collectionIds: ["users", 5],
      });
      assert.deepEqual(wrongType.json.error.details, [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            { field: "collection_ids[1]", description: "Invalid value at 'collection_ids[1]' (TYPE_STRING), 5" },
          ],
        },
      ]);
      const notJson = await emu.call("POST", `/v1/${DB}:exportDocuments`, "{not json");
      assert.deepEqual(
        notJson.json.error.details.map((d: { "@type": string }) => d["@type"]),
        ["type.googleapis.com/google.rpc.BadRequest"],
      );
      // A rule of the method (not the binder) keeps its ErrorInfo.
      const rule = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "s3://b/p" });
      assert.ok(rule.json.error.details.some((d: { "@type": string }) => d["@type"].endsWith("ErrorInfo")));
    });
  });
});

describe("front end: page tokens", () => {
  test("a token is opaque and works only with the database and filter it was issued for", async () => {
    await withEmulator({ databases: [DB, SECOND] }, async (emu) => {
      const first = await startExport(emu, DB);
      const second = await startExport(emu, DB);
      await startExport(emu, SECOND);
      await startExport(emu, SECOND);
      const page = await emu.call("GET", `/v1/${DB}/operations?pageSize=1`);
      const token: string = page.json.nextPageToken;
      assert.ok(token);
      assert.ok(!token.includes(DB) && !Buffer.from(token, "base64url").toString().includes("demo-project"));
      const next = await emu.call("GET", `/v1/${DB}/operations?pageSize=1&pageToken=${token}`);
      assert.equal(next.status, 200);
      assert.deepEqual([...names(page), ...names(next)].sort(), [first, second].sort());
      const otherDatabase = await emu.call("GET", `/v1/${SECOND}/operations?pageSize=1&pageToken=${token}`);
      assert.equal(otherDatabase.status, 400, JSON.stringify(otherDatabase.json));
      assert.equal(otherDatabase.json.error.status, "INVALID_ARGUMENT");
      assert.match(otherDatabase.json.error.message, /page_token/);
      const otherFilter = await emu.call(
        "GET",
        `/v1/${DB}/operations?pageSize=1&filter=done%3Dfalse&pageToken=${token}`,
      );
      assert.equal(otherFilter.status, 400);
      const forged = Buffer.from(JSON.stringify({ o: 1, f: "" })).toString("base64url");
      assert.equal((await emu.call("GET", `/v1/${DB}/operations?pageToken=${forged}`)).status, 400);
    });
  });
});

describe("front end: gcloud's filters", () => {
  test("AND-ed groups in parentheses, as gcloud sends them, select what their terms say", async () => {
    await withEmulator({}, async (emu) => {
      const users = await startExport(emu, DB, { collectionIds: ["users"] });
      const orders = await startExport(emu, DB, { collectionIds: ["orders"] });
      const list = (filter: string) => emu.call("GET", `/v1/${DB}/operations?filter=${encodeURIComponent(filter)}`);
      for (const [filter, expected] of [
        ["(done=false)", [users, orders]],
        ["done=false AND (metadata.operationState=PROCESSING AND metadata.collectionIds=users)", [users]],
        ["(done=false AND (metadata.operationState=PROCESSING AND metadata.collectionIds=orders))", [orders]],
        ['done = false AND ( metadata.collectionIds = "users" )', [users]],
        ["done=true AND (metadata.operationState=SUCCESSFUL AND metadata.collectionIds=users)", []],
      ] as const) {
        const reply = await list(filter);
        assert.equal(reply.status, 200, `${filter}: ${JSON.stringify(reply.json)}`);
        assert.deepEqual(names(reply), [...expected].sort(), filter);
      }
    });
  });

  test("OR, NOT and unbalanced parentheses are refused naming the problem", async () => {
    await withEmulator({}, async (emu) => {
      for (const [filter, message] of [
        ["done=true OR done=false", /OR is not supported/],
        ["(done=true OR metadata.collectionIds=users)", /OR is not supported/],
        ["NOT done=true", /NOT .* is not supported/],
        ["-done=true", /NOT .* is not supported/],
        ["done=true AND (NOT metadata.collectionIds=users)", /NOT .* is not supported/],
        ["(done=true", /unclosed "\("/],
        ["done=true)", /unbalanced "\)"/],
        ["()", /expected a term/],
        ["done=true AND", /ends after AND/],
      ] as const) {
        const reply = await emu.call("GET", `/v1/${DB}/operations?filter=${encodeURIComponent(filter)}`);
        assert.equal(reply.status, 400, filter);
        assert.equal(reply.json.error.status, "INVALID_ARGUMENT");
        assert.match(reply.json.error.message, message, filter);
      }
    });
  });
});

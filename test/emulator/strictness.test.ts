import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DB, type HttpReply, type TestEmulator, withEmulator } from "../support/emulator-client";

const operationCount = async (emu: TestEmulator): Promise<number> =>
  (await emu.control("GET", "operations")).json.operations.length;

function assertRefused(reply: HttpReply, http: number, status: string, message: string | RegExp): void {
  assert.equal(reply.status, http, JSON.stringify(reply.json));
  assert.equal(reply.json.error.code, http);
  assert.equal(reply.json.error.status, status);
  if (typeof message === "string") assert.equal(reply.json.error.message, message);
  else assert.match(reply.json.error.message, message);
}

const unboundQuery = (name: string): string =>
  `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`;

async function startExport(emu: TestEmulator): Promise<string> {
  const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p" });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.name;
}

describe("strictness: query parameters", () => {
  test("an unknown query parameter is refused on every endpoint, naming it, and starts nothing", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      assert.equal(await operationCount(emu), 1);
      const list = await emu.call("GET", `/v1/${DB}/operations?limit=5`);
      assertRefused(list, 400, "INVALID_ARGUMENT", unboundQuery("limit"));
      // Google's binder names no field for an unknown name, and sends the BadRequest alone.
      assert.deepEqual(list.json.error.details, [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [{ description: unboundQuery("limit") }],
        },
      ]);
      assertRefused(
        await emu.call("POST", `/v1/${name}:cancel?force=true`),
        400,
        "INVALID_ARGUMENT",
        unboundQuery("force"),
      );
      assertRefused(await emu.call("GET", `/v1/${name}?view=FULL`), 400, "INVALID_ARGUMENT", unboundQuery("view"));
      assertRefused(await emu.call("DELETE", `/v1/${name}?etag=x`), 400, "INVALID_ARGUMENT", unboundQuery("etag"));
      // A list parameter binds only on list: get has no filter field.
      assertRefused(await emu.call("GET", `/v1/${name}?filter=done`), 400, "INVALID_ARGUMENT", unboundQuery("filter"));
      assertRefused(
        await emu.call("POST", `/v1/${DB}:exportDocuments?outputUriPrefix=gs://bkt/q`, {
          outputUriPrefix: "gs://bkt/p",
        }),
        400,
        "INVALID_ARGUMENT",
        unboundQuery("outputUriPrefix"),
      );
      assertRefused(
        await emu.call("POST", `/v1/${DB}/collectionGroups/users/indexes?async=1`, {
          fields: [
            { fieldPath: "a", order: "ASCENDING" },
            { fieldPath: "b", order: "ASCENDING" },
          ],
        }),
        400,
        "INVALID_ARGUMENT",
        unboundQuery("async"),
      );
      assert.equal(await operationCount(emu), 1, "no refused request started an operation");
      const { json } = await emu.call("GET", `/v1/${name}`);
      assert.equal(json.metadata.operationState, "PROCESSING", "the refused cancel did not take effect");
    });
  });

  test("the list fields bind in both JSON names, and the system parameters stay accepted", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const system =
        "$alt=json%3Benum-encoding%3Dint&alt=json&$prettyPrint=0&prettyPrint=false&key=k&quotaUser=q&$.xgafv=2" +
        "&access_token=t&callback=&upload_protocol=raw&uploadType=media&oauth_token=t&$fields=&fields=";
      for (const query of [
        "filter=done%3Dfalse&pageSize=10&pageToken=&returnPartialSuccess=false",
        "page_size=10&page_token=&return_partial_success=false",
      ]) {
        const reply = await emu.call("GET", `/v1/${DB}/operations?${query}&${system}`);
        assert.equal(reply.status, 200, JSON.stringify(reply.json));
        assert.deepEqual(
          reply.json.operations.map((o: { name: string }) => o.name),
          [name],
        );
      }
      for (const [method, path] of [
        ["GET", `/v1/${name}`],
        ["POST", `/v1/${name}:cancel`],
      ] as const) {
        const reply = await emu.call(method, `${path}?${system}`);
        assert.equal(reply.status, 200, `${method} ${path}: ${JSON.stringify(reply.json)}`);
      }
    });
  });

  test("returnPartialSuccess=true is UNIMPLEMENTED (501), as operations.proto says for undocumented use", async () => {
    await withEmulator({}, async (emu) => {
      await startExport(emu);
      for (const query of ["returnPartialSuccess=true", "return_partial_success=true"]) {
        assertRefused(
          await emu.call("GET", `/v1/${DB}/operations?${query}`),
          501,
          "UNIMPLEMENTED",
          /return_partial_success/,
        );
      }
      assertRefused(
        await emu.call("GET", `/v1/${DB}/operations?returnPartialSuccess=yes`),
        400,
        "INVALID_ARGUMENT",
        `Invalid value at 'return_partial_success' (TYPE_BOOL), "yes"`,
      );
    });
  });
});

describe("strictness: JSON bodies", () => {
  test("unknown body fields are refused with Google's wording, naming the field", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const cases: [string, string, unknown, string][] = [
        ["POST", `/v1/${name}:cancel`, { force: true }, "force"],
        ["POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/p", force: true }, "force"],
        ["POST", `/v1/${DB}:importDocuments`, { inputUriPrefix: "gs://bkt/p", overwrite: true }, "overwrite"],
        ["POST", `/v1/${DB}:bulkDeleteDocuments`, { collectionIds: ["users"], dryRun: true }, "dryRun"],
        [
          "POST",
          `/v1/${DB}/collectionGroups/users/indexes`,
          {
            fields: [
              { fieldPath: "a", order: "ASCENDING" },
              { fieldPath: "b", order: "ASCENDING" },
            ],
            sparse: true,
          },
          "sparse",
        ],
      ];
      for (const [method, path, body, field] of cases) {
        const reply = await emu.call(method, path, body);
        assertRefused(
          reply,
          400,
          "INVALID_ARGUMENT",
          `Invalid JSON payload received. Unknown name "${field}": Cannot find field.`,
        );
        assert.deepEqual(reply.json.error.details, [
          {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            fieldViolations: [
              { description: `Invalid JSON payload received. Unknown name "${field}": Cannot find field.` },
            ],
          },
        ]);
      }
      assert.equal(await operationCount(emu), 1, "no refused request started an operation");
      assert.equal((await emu.call("GET", `/v1/${name}`)).json.metadata.operationState, "PROCESSING");
      // The empty forms still bind.
      assert.equal((await emu.call("POST", `/v1/${name}:cancel`, {})).status, 200);
    });
  });
});

describe("strictness: fields= partial responses", () => {
  test("get keeps only the selected paths, nested ones included", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      const full = (await emu.call("GET", `/v1/${name}`)).json;
      assert.ok(full.metadata.startTime && full.metadata.outputUriPrefix, "the full answer has more fields");
      const { status, json } = await emu.call("GET", `/v1/${name}?fields=name,metadata.operationState`);
      assert.equal(status, 200);
      // The Any keeps its type URL so that clients can still decode it.
      assert.deepEqual(json, {
        name,
        metadata: { "@type": full.metadata["@type"], operationState: "PROCESSING" },
      });
      const slash = (await emu.call("GET", `/v1/${name}?fields=metadata/outputUriPrefix`)).json;
      assert.deepEqual(slash, { metadata: { "@type": full.metadata["@type"], outputUriPrefix: "gs://bkt/p" } });
      const snake = (await emu.call("GET", `/v1/${name}?$fields=metadata(output_uri_prefix)`)).json;
      assert.deepEqual(snake, slash);
    });
  });

  test("list applies a sub-selection to every element and keeps top-level fields", async () => {
    await withEmulator({}, async (emu) => {
      const first = await startExport(emu);
      const second = await startExport(emu);
      const { status, json } = await emu.call(
        "GET",
        `/v1/${DB}/operations?pageSize=1&fields=operations(name,done),nextPageToken`,
      );
      assert.equal(status, 200, JSON.stringify(json));
      assert.equal(typeof json.nextPageToken, "string");
      assert.deepEqual(Object.keys(json).sort(), ["nextPageToken", "operations"]);
      assert.equal(json.operations.length, 1);
      // Running operations have no `done`: only the name is left.
      assert.deepEqual(json.operations[0], { name: json.operations[0].name });
      assert.ok([first, second].includes(json.operations[0].name));
      const tokenOnly = await emu.call("GET", `/v1/${DB}/operations?pageSize=1&fields=nextPageToken`);
      assert.deepEqual(Object.keys(tokenOnly.json), ["nextPageToken"]);
    });
  });

  test("a malformed selection is refused", async () => {
    await withEmulator({}, async (emu) => {
      const name = await startExport(emu);
      assertRefused(
        await emu.call("GET", `/v1/${name}?fields=metadata(name`),
        400,
        "INVALID_ARGUMENT",
        /fields|field selection/,
      );
    });
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkInputs, UNKNOWN } from "../../provider/check";

const failuresOf = (...args: Parameters<typeof checkInputs>) =>
  checkInputs(...args).failures.map((f) => `${f.property}: ${f.reason}`);

describe("check", () => {
  test("normalizes a valid export: full database name from gcp:project, defaults filled in", () => {
    const { inputs, failures } = checkInputs(
      "export",
      { outputUriPrefix: "gs://backups/nightly/", collectionIds: ["users"] },
      "my-project",
    );
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs, {
      database: "projects/my-project/databases/(default)",
      outputUriPrefix: "gs://backups/nightly",
      collectionIds: ["users"],
      waitFor: "started",
      onCancelLost: "warn",
      timeouts: { create: "2h", delete: "30m" },
    });
  });

  test("a bare database id with a project, a full name, and a conflict", () => {
    assert.equal(
      checkInputs("export", { database: "orders-db", project: "p-123456", outputUriPrefix: "gs://bkt" }, undefined)
        .inputs.database,
      "projects/p-123456/databases/orders-db",
    );
    assert.equal(
      checkInputs(
        "export",
        { database: "projects/x-123456/databases/(default)", outputUriPrefix: "gs://bkt" },
        "other-1",
      ).inputs.database,
      "projects/x-123456/databases/(default)",
    );
    assert.deepEqual(
      failuresOf(
        "export",
        { database: "projects/x-123456/databases/(default)", project: "y-123456", outputUriPrefix: "gs://bkt" },
        undefined,
      ),
      ['project: "y-123456" disagrees with the project in database ("x-123456")'],
    );
    assert.match(
      failuresOf("export", { outputUriPrefix: "gs://bkt" }, undefined)[0] as string,
      /^project: is required with the bare database id "\(default\)": set the resource's "project", the "gcp:project" stack config/,
    );
  });

  test("every rule names its field", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["export", {}, /^outputUriPrefix: is required/],
      ["export", { outputUriPrefix: "s3://b/x" }, /^outputUriPrefix: must be a Cloud Storage URI/],
      ["export", { outputUriPrefix: "gs://B_ad/x" }, /^outputUriPrefix: bucket "B_ad" is not a valid/],
      [
        "export",
        { outputUriPrefix: "gs://bkt/a/../b" },
        /^outputUriPrefix: path .* must not contain empty, "." or ".."/,
      ],
      ["export", { outputUriPrefix: "gs://bkt/a?b" }, /^outputUriPrefix: path .* "#" or "\?"/],
      [
        "export",
        { outputUriPrefix: "gs://bkt", collectionIds: ["a", "a"] },
        /^collectionIds\[1\]: "a" appears more than once/,
      ],
      [
        "export",
        { outputUriPrefix: "gs://bkt", collectionIds: ["a/b"] },
        /^collectionIds\[0\]: "a\/b" must be a collection group id/,
      ],
      ["export", { outputUriPrefix: "gs://bkt", collectionIds: "users" }, /^collectionIds: must be a list of strings/],
      ["export", { outputUriPrefix: "gs://bkt", collectionIds: [3] }, /^collectionIds\[0\]: must be a string/],
      ["export", { outputUriPrefix: "gs://bkt", namespaceIds: ["__x__"] }, /^namespaceIds\[0\]: "__x__" is reserved/],
      [
        "export",
        { outputUriPrefix: "gs://bkt", snapshotTime: "2026-01-01T00:00:30Z" },
        /^snapshotTime: must be a whole minute/,
      ],
      [
        "export",
        { outputUriPrefix: "gs://bkt", snapshotTime: "2999-01-01T00:00:00Z" },
        /^snapshotTime: must be in the past/,
      ],
      [
        "export",
        { outputUriPrefix: "gs://bkt", snapshotTime: "last tuesday" },
        /^snapshotTime: must be an RFC 3339 timestamp/,
      ],
      ["export", { outputUriPrefix: "gs://bkt", waitFor: "finished" }, /^waitFor: must be "started" or "done"/],
      ["export", { outputUriPrefix: "gs://bkt", onCancelLost: "ignore" }, /^onCancelLost: must be "warn" or "fail"/],
      ["export", { outputUriPrefix: "gs://bkt", timeouts: { delete: "soon" } }, /^timeouts.delete: must be a duration/],
      ["export", { outputUriPrefix: "gs://bkt", timeouts: { update: "1m" } }, /^timeouts.update: is not a timeout/],
      [
        "export",
        { outputUriPrefix: "gs://bkt", timeouts: { create: "0s" } },
        /^timeouts.create: must be longer than zero/,
      ],
      [
        "export",
        { outputUriPrefix: "gs://bkt", inputUriPrefix: "gs://bkt/x" },
        /^inputUriPrefix: is not an input of this resource/,
      ],
      ["export", { outputUriPrefix: "gs://bkt", database: "Bad DB" }, /^database: database id "Bad DB" must be/],
      ["import", {}, /^inputUriPrefix: is required/],
      ["import", { inputUriPrefix: "gs://bkt" }, /^inputUriPrefix: must name the folder of a finished export/],
      ["bulkDelete", {}, /^collectionIds: bulk delete needs collectionIds or namespaceIds/],
      ["adopted", {}, /^operationName: is required/],
      [
        "adopted",
        { operationName: "projects/p-123456/databases/(default)/operations/a/../b" },
        /^operationName: must be "projects\/PROJECT/,
      ],
      [
        "adopted",
        { operationName: "projects/p-123456/databases/(default)/operations/x?y" },
        /^operationName: operation id "x\?y" must be/,
      ],
      [
        "adopted",
        { operationName: "https://evil.example/ops/1" },
        /^operationName: must be a full operation name or an operation id/,
      ],
    ];
    for (const [kind, news, expected] of cases) {
      const failures = failuresOf(kind as never, news, "demo-project");
      assert.ok(
        failures.some((f) => expected.test(f)),
        `${kind} ${JSON.stringify(news)} -> ${JSON.stringify(failures)}`,
      );
    }
  });

  test("adopting by bare id uses the database; the operation's own database wins over the default", () => {
    const byId = checkInputs("adopted", { operationName: "AS123abc", database: "second-db" }, "demo-project").inputs;
    assert.equal(byId.operationName, "projects/demo-project/databases/second-db/operations/AS123abc");
    const full = checkInputs(
      "adopted",
      { operationName: "projects/other-proj/databases/(default)/operations/AS1" },
      "demo-project",
    ).inputs;
    assert.equal(full.database, "projects/other-proj/databases/(default)");
  });

  test("unknown values (preview) pass through unvalidated", () => {
    const { inputs, failures } = checkInputs(
      "export",
      { database: UNKNOWN, outputUriPrefix: UNKNOWN, collectionIds: UNKNOWN },
      undefined,
    );
    assert.deepEqual(failures, []);
    assert.equal(inputs.outputUriPrefix, UNKNOWN);
  });
});

test("a list of ids holding items that are not strings fails naming each, and does not crash sorting them", () => {
  // fast-check found it: sorting stringifies the items, and an object whose toString is not callable throws.
  const result = checkInputs(
    "import",
    {
      database: "projects/demo-project/databases/(default)",
      inputUriPrefix: "gs://bkt/in",
      collectionIds: [[], { toString: "" }],
    },
    "",
  );
  assert.deepEqual(
    result.failures.map((f) => f.property),
    ["collectionIds[0]", "collectionIds[1]"],
  );
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkProjectId, PROJECT_ID_RULE, parseDatabaseName } from "../../client/names";

describe("project ids: Google's rule, and the message states it", () => {
  const accepted = [
    "abcdef", // 6 characters, the shortest
    `a${"b".repeat(28)}9`, // 30 characters, the longest
    "demo-project",
    "my-project-123",
    "example.com:my-project", // legacy domain-scoped
    "google.com:proj-42",
  ];
  const refused: [string, string][] = [
    ["abcde", "5 characters"],
    [`a${"b".repeat(29)}9`, "31 characters"],
    [`a${"b".repeat(62)}9`, "64 characters"],
    ["abc", "3 characters (accepted before)"],
    ["1project", "a digit first"],
    ["-project", "a hyphen first"],
    ["project-", "a trailing hyphen"],
    ["My-Project", "capitals"],
    ["my.project", "a dot outside a domain"],
    ["my_project", "an underscore"],
    ["example.com:proj", "a domain-scoped id of 4 characters"],
    ["example:my-project", "a domain without a dot"],
    [":my-project", "an empty domain"],
    ["example.com:", "no id after the domain"],
  ];

  for (const id of accepted) {
    test(`accepts ${id}`, () => {
      assert.equal(checkProjectId(id), id);
      assert.deepEqual(parseDatabaseName(`projects/${id}/databases/(default)`), { project: id, database: "(default)" });
    });
  }

  for (const [id, why] of refused) {
    test(`refuses ${JSON.stringify(id)}: ${why}`, () => {
      assert.throws(
        () => checkProjectId(id, "gcp:project"),
        (error: Error) => {
          assert.match(error.message, /gcp:project/);
          assert.ok(error.message.includes(PROJECT_ID_RULE), error.message);
          return true;
        },
      );
    });
  }

  test("the rule in words names each limit the code applies", () => {
    for (const part of [
      "6-30",
      "lowercase letters, digits and hyphens",
      "starting with a letter",
      "not ending with a hyphen",
    ]) {
      assert.ok(PROJECT_ID_RULE.includes(part), part);
    }
    assert.ok(PROJECT_ID_RULE.includes('"example.com:my-project"'), "the domain-scoped form, with an example");
    assert.equal(checkProjectId("example.com:my-project"), "example.com:my-project", "and that example is accepted");
  });
});

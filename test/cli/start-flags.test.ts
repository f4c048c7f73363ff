/**
 * The CLI's start flags and the provider's inputs break the same rules with the same words: both apply
 * client/start-inputs.ts, so a value the provider refuses is refused by firestore-ops before anything is sent.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCommandLine } from "../../cli/args";
import { startRequestFrom } from "../../cli/start-flags";
import { checkInputs } from "../../provider/check";
import type { ResourceKind } from "../../provider/kinds";

const NOW = Date.parse("2026-05-26T12:00:00Z");

/** The rule the provider names for the one failing input. */
function providerRule(kind: ResourceKind, news: Record<string, unknown>): string {
  const { failures } = checkInputs(kind, news, "demo-project", NOW);
  assert.equal(failures.length, 1, JSON.stringify(failures));
  return (failures[0] as { reason: string }).reason;
}

/** The rule the CLI names for its command line, and the field it names. */
function cliRule(argv: string[]): { field: string; rule: string } {
  const parsed = parseCommandLine(argv);
  assert.equal(parsed.kind, "run");
  const { invocation } = parsed as Extract<typeof parsed, { kind: "run" }>;
  try {
    startRequestFrom(invocation.command as "export", invocation, NOW);
  } catch (error) {
    assert.equal((error as Error).name, "InvalidInputError");
    return error as { field: string; rule: string };
  }
  assert.fail(`${argv.join(" ")} was accepted`);
}

describe("start flags: the provider's rules", () => {
  const cases: [ResourceKind, Record<string, unknown>, string[], string][] = [
    ["export", { outputUriPrefix: "s3://bkt" }, ["export", "s3://bkt"], "OUTPUT_URI_PREFIX"],
    ["export", { outputUriPrefix: "gs://Bad_Bucket" }, ["export", "gs://Bad_Bucket"], "OUTPUT_URI_PREFIX"],
    ["export", { outputUriPrefix: "gs://bkt/a//b" }, ["export", "gs://bkt/a//b"], "OUTPUT_URI_PREFIX"],
    ["export", { outputUriPrefix: "gs://bkt/a#b" }, ["export", "gs://bkt/a#b"], "OUTPUT_URI_PREFIX"],
    ["import", { inputUriPrefix: "gs://bkt" }, ["import", "gs://bkt"], "INPUT_URI_PREFIX"],
    [
      "export",
      { outputUriPrefix: "gs://bkt", collectionIds: ["__x__"] },
      ["export", "gs://bkt", "--collection-ids", "__x__"],
      "--collection-ids[0]",
    ],
    [
      "import",
      { inputUriPrefix: "gs://bkt/x", collectionIds: ["a", "a"] },
      ["import", "gs://bkt/x", "--collection-ids", "a,a"],
      "--collection-ids[1]",
    ],
    [
      "bulkDelete",
      { namespaceIds: ["n".repeat(101)] },
      ["bulk-delete", "--namespace-ids", "n".repeat(101)],
      "--namespace-ids[0]",
    ],
    [
      "export",
      { outputUriPrefix: "gs://bkt", snapshotTime: "2026-05-26T11:00:30Z" },
      ["export", "gs://bkt", "--snapshot-time", "2026-05-26T11:00:30Z"],
      "--snapshot-time",
    ],
    [
      "export",
      { outputUriPrefix: "gs://bkt", snapshotTime: "2026-05-26T13:00:00Z" },
      ["export", "gs://bkt", "--snapshot-time", "2026-05-26T13:00:00Z"],
      "--snapshot-time",
    ],
  ];
  for (const [kind, news, argv, field] of cases) {
    test(`${argv.join(" ").slice(0, 60)}: ${field}, the provider's rule`, () => {
      const cli = cliRule(argv);
      assert.equal(cli.field, field);
      assert.equal(cli.rule, providerRule(kind, news));
    });
  }

  test("accepted values become the request the provider would send", () => {
    const parsed = parseCommandLine([
      "export",
      "gs://bkt/n/",
      "--collection-ids=users,orders",
      "--snapshot-time=2026-05-26T11:00:00.000+00:00",
    ]);
    const { invocation } = parsed as Extract<typeof parsed, { kind: "run" }>;
    const { inputs, failures } = checkInputs(
      "export",
      {
        outputUriPrefix: "gs://bkt/n/",
        collectionIds: ["users", "orders"],
        snapshotTime: "2026-05-26T11:00:00.000+00:00",
      },
      "demo-project",
      NOW,
    );
    assert.deepEqual(failures, []);
    assert.deepEqual(startRequestFrom("export", invocation, NOW).body, {
      outputUriPrefix: inputs.outputUriPrefix,
      collectionIds: inputs.collectionIds,
      snapshotTime: inputs.snapshotTime,
    });
    assert.deepEqual(startRequestFrom("export", invocation, NOW).body, {
      outputUriPrefix: "gs://bkt/n",
      collectionIds: ["orders", "users"],
      snapshotTime: "2026-05-26T11:00:00Z",
    });
  });
});

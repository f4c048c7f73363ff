import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { resourceProps } from "../../provider/resource-args";

/** The value an Output holds once resolved (a unit test runs no engine: every value here is known). */
function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

test("a database given as a reference (gcp.firestore.Database) registers its full name", async () => {
  const props = resourceProps(
    { database: { project: pulumi.output("demo-project"), name: Promise.resolve("(default)") } },
    {},
  );
  assert.ok(pulumi.Output.isInstance(props.database), "the name waits for the reference's outputs");
  assert.equal(await resolved(props.database as pulumi.Output<string>), "projects/demo-project/databases/(default)");
});

test("a database given as text is registered as it is", () => {
  assert.equal(
    resourceProps({ database: "projects/demo-project/databases/db-1" }, {}).database,
    "projects/demo-project/databases/db-1",
  );
});

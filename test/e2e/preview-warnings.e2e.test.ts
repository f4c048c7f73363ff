/**
 * Import and bulk delete cannot be undone: `pulumi preview` warns for each planned one, through the real Pulumi
 * CLI (the dynamic provider's check runs in the preview; create does not).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createE2eStack, type E2eStack } from "../support/e2e-stack";

const DB = "projects/demo-project/databases/(default)";

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The Diagnostics sections of a run's output (a `pulumi up` has the preview's and the update's). */
function diagnostics(text: string): string[] {
  return text
    .split("Diagnostics:")
    .slice(1)
    .map((part) => part.slice(0, part.indexOf("Outputs:") === -1 ? undefined : part.indexOf("Outputs:")));
}

describe("preview warns that a planned import or bulk delete cannot be undone", { concurrency: true }, () => {
  /** Each test has a stack of its own declaring the import, the bulk delete and an export (nothing run yet). */
  async function declaredStack(): Promise<E2eStack> {
    const e = await createE2eStack(["--duration-ms", "120000"]);
    try {
      await e.declare([
        {
          kind: "FirestoreImport",
          name: "restore",
          args: { inputUriPrefix: "gs://bkt/2024-01-01", collectionIds: ["users"] },
        },
        { kind: "FirestoreBulkDelete", name: "purge", args: { collectionIds: ["sessions", "carts"] } },
        { kind: "FirestoreExport", name: "backup", args: { outputUriPrefix: "gs://bkt/e2e" } },
      ]);
      return e;
    } catch (error) {
      await e.dispose();
      throw error;
    }
  }

  const IMPORT = `restore: this import into ${DB} (collection users) from gs://bkt/2024-01-01 cannot be undone`;
  const DELETE = `purge: this bulk delete of collections carts, sessions in ${DB} cannot be undone: deleted documents cannot be restored unless point-in-time recovery (PITR) covers them`;

  test("preview: one warning per planned import and bulk delete, none for an export, nothing started", async () => {
    const e = await declaredStack();
    try {
      const preview = await e.pulumi(["preview", "--non-interactive"]);
      const out = preview.stdout + preview.stderr;
      const [summary, ...more] = diagnostics(out);
      assert.equal(more.length, 0, out);
      assert.equal(count(summary ?? "", IMPORT), 1, out);
      assert.equal(count(summary ?? "", DELETE), 1, out);
      // Under the resource it is about (the component), as a warning.
      assert.match(
        summary ?? "",
        /firestore-operations:index:FirestoreImport \(restore\):\n\s+warning: restore: this import into/,
        out,
      );
      assert.match(
        summary ?? "",
        /firestore-operations:index:FirestoreBulkDelete \(purge\):\n\s+warning: purge: this bulk delete/,
        out,
      );
      assert.doesNotMatch(out, /backup: this/);
      const starts = (await e.requests()).filter((r) => /Documents$/.test(r.endpoint ?? ""));
      assert.equal(starts.length, 0, "preview started nothing");
    } finally {
      await e.dispose();
    }
  });

  test("up: the preview and the update each say it once; a later preview with nothing planned says nothing", async () => {
    const e = await declaredStack();
    try {
      const up = await e.pulumi(["up", "--yes", "--non-interactive"]);
      const out = up.stdout + up.stderr;
      // `pulumi up` previews, then updates: the engine runs check in both, so each summary says it once (the
      // update's right before the start), and `pulumi up --skip-preview` says it once.
      const sections = diagnostics(out);
      assert.equal(sections.length, 2, out);
      for (const section of sections) {
        assert.equal(count(section, IMPORT), 1, out);
        assert.equal(count(section, DELETE), 1, out);
      }
      assert.equal((await e.requests()).filter((r) => r.endpoint === "importDocuments").length, 1, "it did start");
      const quiet = await e.pulumi(["preview", "--non-interactive"]);
      assert.equal(count(quiet.stdout + quiet.stderr, "cannot be undone"), 0, quiet.stdout);
    } finally {
      await e.dispose();
    }
  });
});

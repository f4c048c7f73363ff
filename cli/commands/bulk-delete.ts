import type { BulkDeleteBody } from "../../client/admin-client";
import { InvalidInputError } from "../../client/errors";
import { writeLine } from "../command";
import { confirm } from "../confirm";
import { EXIT } from "../exit-codes";
import { startCommand } from "../start-command";

/**
 * `bulk-delete`: gcloud firestore bulk-delete, on the provider's start path. Like gcloud it asks first unless
 * --quiet; unlike gcloud, without a terminal to ask on it refuses rather than assume yes (a deletion cannot be
 * taken back, and a script that means it says --quiet), so no run ever waits on a prompt.
 */
export const bulkDeleteCommand = startCommand(
  "bulk-delete",
  async ({ invocation, stdin, stderr }, request, database) => {
    if (invocation.quiet) return undefined;
    if (!stdin?.isTTY) {
      throw new InvalidInputError(
        "--quiet",
        "is required to bulk delete without a terminal to confirm on (nothing was sent)",
      );
    }
    const { collectionIds, namespaceIds } = request.body as BulkDeleteBody;
    const scope = [
      `collection groups: ${collectionIds?.join(", ") ?? "all"}`,
      `namespaces: ${namespaceIds?.map((id) => id || "(default)").join(", ") ?? "all"}`,
    ].join("; ");
    const question = `Bulk delete every document of ${database} in ${scope}? Deleted documents cannot be restored, except from a backup or point-in-time recovery.`;
    if (await confirm(question, stdin, stderr)) return undefined;
    writeLine(stderr, "Not confirmed: nothing was sent.");
    return EXIT.USAGE;
  },
);

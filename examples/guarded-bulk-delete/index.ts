import * as pulumi from "@pulumi/pulumi";
import * as firestore from "pulumi-firestore-operations";

// Deletes every document of the listed collection groups. `waitFor: "done"` makes `pulumi up` wait until the
// bulk delete finished and fail (keeping the operation in the stack) if it did not succeed; the next `up` tries
// again. Deleted documents stay deleted even if the operation is cancelled: recover them with point-in-time
// recovery from the operation's snapshotTime.
const config = new pulumi.Config();

const cleanup = new firestore.FirestoreBulkDelete(
  "stale-sessions",
  {
    collectionIds: config.getObject<string[]>("collections") ?? ["sessions"],
    waitFor: "done",
    timeouts: { create: "1h", delete: "15m" },
    onCancelLost: "fail",
  },
  // A changed collection list replaces the resource, which would start another bulk delete: make that a
  // deliberate act.
  { protect: config.getBoolean("protect") ?? false },
);

export const state = cleanup.state;
export const documentsDeleted = cleanup.documentsCompleted;

import * as firestore from "pulumi-firestore-operations";

// An export of two collections to a bucket. `pulumi up` starts it and records the operation; `pulumi refresh`
// shows its progress; `pulumi destroy` cancels it and waits until it is really over.
const backup = new firestore.FirestoreExport("nightly-backup", {
  database: "(default)",
  outputUriPrefix: "gs://quickstart-backups",
  collectionIds: ["users", "orders"],
  timeouts: { delete: "5m" },
});

export const operationName = backup.operationName;
export const state = backup.state;
export const progressPercent = backup.progressPercent;
export const writingTo = backup.resolvedOutputUriPrefix;

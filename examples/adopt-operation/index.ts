import * as pulumi from "@pulumi/pulumi";
import * as firestore from "pulumi-firestore-operations";

// Someone ran `gcloud firestore export gs://... --async` and it must not run to completion. Adopt it:
//   pulumi config set operation projects/my-project/databases/(default)/operations/ASA2MTAw...
//   pulumi up        # the operation joins the stack; `pulumi refresh` shows its progress
//   pulumi destroy   # cancels it and waits until it is over (gcloud's cancel does not wait)
const config = new pulumi.Config();

const adopted = new firestore.FirestoreOperation("adopted", {
  operationName: config.require("operation"),
  // With a bare operation id (as gcloud prints it), say which database it belongs to.
  database: config.get("database") ?? "(default)",
  onCancelLost: "warn",
  timeouts: { delete: "1h" },
});

export const operationType = adopted.operationType;
export const state = adopted.state;
export const progressPercent = adopted.progressPercent;

import * as pulumi from "@pulumi/pulumi";
import * as firestore from "pulumi-firestore-operations";

// Imports a finished export, e.g. the `exportFolder` output of the nightly-export example:
//   pulumi config set restoreFrom gs://my-backups/nightly/2026-05-26
// Existing documents with the same names are overwritten. Destroying this stack while the import runs cancels
// it and waits; documents already imported stay written (cancel is not rollback).
const config = new pulumi.Config();

const restore = new firestore.FirestoreImport("restore", {
  database: config.get("database") ?? "(default)",
  inputUriPrefix: config.require("restoreFrom"),
  collectionIds: config.getObject<string[]>("collections") ?? [],
  waitFor: "done",
  timeouts: { create: "4h" },
});

export const importState = restore.state;
export const documentsImported = restore.documentsCompleted;

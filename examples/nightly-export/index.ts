import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as firestore from "pulumi-firestore-operations";

// Run `pulumi up -c exportDate=$(date -u +%F)` nightly (cron, CI): each new date replaces the export resource,
// which starts tonight's export; yesterday's (finished) operation needs no cancel. A run that is interrupted
// or replaced mid-export cancels it and waits until it is over.
const config = new pulumi.Config();
const exportDate = config.require("exportDate");
const gcpConfig = new pulumi.Config("gcp");
const project = gcpConfig.require("project");

const projectInfo = gcp.organizations.getProjectOutput({ projectId: project });

const bucket = new gcp.storage.Bucket("backups", {
  location: "US",
  uniformBucketLevelAccess: true,
  lifecycleRules: [
    // Cancelled or failed exports leave partial files behind (cancel is not rollback): expire everything
    // after 30 days, so partial exports do not pile up.
    { action: { type: "Delete" }, condition: { age: 30, matchesPrefixes: ["nightly/"] } },
  ],
});

// Exports and imports read and write the bucket as the Firestore service agent, not as you.
const serviceAgent = pulumi.interpolate`serviceAccount:service-${projectInfo.number}@gcp-sa-firestore.iam.gserviceaccount.com`;
const agentAccess = new gcp.storage.BucketIAMMember("firestore-agent", {
  bucket: bucket.name,
  role: "roles/storage.admin",
  member: serviceAgent,
});

const database = new gcp.firestore.Database("db", {
  name: "(default)",
  locationId: "nam5",
  type: "FIRESTORE_NATIVE",
  pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
});

const nightly = new firestore.FirestoreExport(
  "nightly",
  {
    database,
    outputUriPrefix: pulumi.interpolate`gs://${bucket.name}/nightly/${exportDate}`,
    waitFor: "done",
    timeouts: { create: "3h", delete: "30m" },
  },
  { dependsOn: [agentAccess] },
);

export const exportFolder = nightly.resolvedOutputUriPrefix;
export const exportState = nightly.state;
export const documentsExported = nightly.documentsCompleted;

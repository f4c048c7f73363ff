/**
 * What to do about an export or import that Google refused or ended FAILED because the Firestore service agent
 * cannot use the bucket. One home for the provider's error messages and firestore-ops' describe/watch output.
 *
 * The wordings recognised, and their sources (docs/troubleshooting.md, "An export or import refused or FAILED on its bucket"):
 * - "... does not have storage.buckets.get access to the Google Cloud Storage bucket." and "Service account does
 *   not have access to Google Cloud Storage file: /BUCKET/..." (gcloud output in jkomoros/card-web#579). A
 *   missing bucket is answered the same way (one public runbook; unverified).
 * - "Bucket B is in location L. This database (or project) can only operate on buckets spanning location ..."
 *   (googleapis/nodejs-firestore#992 and a public runbook).
 * - "Bucket is (a) requester pays bucket but no user project provided." (Cloud Storage's own 400; that Firestore
 *   passes it on unchanged is unverified), and Cloud Storage's "UserProjectMissing".
 * - "The specified bucket does not exist." / "Bucket B does not exist" (Cloud Storage's wording for a missing
 *   bucket; whether Firestore ever passes it on is unverified).
 */

import { formatDatabaseName, parseDatabaseName, parseOperationName } from "./names";
import type { OperationView } from "./operation-view";

export type BucketProblemKind = "service-agent-access" | "missing-bucket" | "bucket-location" | "requester-pays";

export interface BucketDiagnosis {
  kind: BucketProblemKind;
  /** The bucket, from the message or else from the request's URI. */
  bucket?: string;
  /** The Firestore service agent: with the project number when Google named it, else a placeholder. */
  account: string;
  /** The role to grant (service-agent-access only). */
  role?: string;
  /** What to do, in a sentence or two, commands included. */
  fix: string;
  docs: string;
}

export interface FailureContext {
  /** The request's `gs://` URI (outputUriPrefix of an export, inputUriPrefix of an import). */
  uri?: string;
  /** `projects/P/databases/D`, for the `gcloud projects describe` hint when the project number is unknown. */
  database?: string;
  /** Whether the failure is an import's (reads the bucket) or an export's (writes it). */
  direction?: "export" | "import";
}

export const DOCS = {
  permissions: "https://cloud.google.com/firestore/docs/manage-data/export-import#permissions",
  beforeYouBegin: "https://cloud.google.com/firestore/docs/manage-data/export-import#before_you_begin",
  locations: "https://cloud.google.com/firestore/docs/locations",
  requesterPays: "https://cloud.google.com/storage/docs/using-requester-pays",
} as const;

/** Documented by card-web#579's error and public setups: Storage Admin on the bucket covers buckets.get and objects. */
export const SERVICE_AGENT_ROLE = "roles/storage.admin";

const AGENT = /service-(\d+)@gcp-sa-firestore\.iam\.gserviceaccount\.com/;

/** The diagnosis of an error (a start request refused, or an operation's `error`), if it is a bucket problem. */
export function diagnoseBucketFailure(
  error: { message: string } | undefined,
  context: FailureContext = {},
): BucketDiagnosis | undefined {
  if (!error?.message) return undefined;
  const message = error.message;
  const bucket = bucketIn(message) ?? bucketOf(context.uri);
  const number = AGENT.exec(message)?.[1];
  const { database } = context;
  const project = database === undefined ? undefined : orUndefined(() => parseDatabaseName(database).project);
  const account = `service-${number ?? "PROJECT_NUMBER"}@gcp-sa-firestore.iam.gserviceaccount.com`;
  const numberHint =
    number === undefined
      ? ` (PROJECT_NUMBER: gcloud projects describe ${project ?? "PROJECT_ID"} --format='value(projectNumber)')`
      : "";
  const target = bucket ? `gs://${bucket}` : "gs://BUCKET";
  const location =
    /Bucket (\S+) is in location (\S+?)\.\s*This (?:database|project) can only operate on buckets spanning location (.+?)\.?$/s.exec(
      message,
    );
  if (location) {
    const allowed = (location[3] as string).split(/\s+or\s+/).join(", ");
    return {
      kind: "bucket-location",
      ...(bucket ? { bucket } : {}),
      account,
      fix:
        `${target} is in ${location[2]}, which this database cannot use: export and import need a bucket in ${allowed}. ` +
        `A bucket's location cannot change: create one there (gcloud storage buckets create gs://NEW_BUCKET --location=${(location[3] as string).split(/\s+or\s+/).pop()}) and point the URI at it.`,
      docs: DOCS.locations,
    };
  }
  if (/requester pays|UserProjectMissing/i.test(message)) {
    return {
      kind: "requester-pays",
      ...(bucket ? { bucket } : {}),
      account,
      fix:
        `${target} has Requester Pays on, and Firestore export and import cannot use a Requester Pays bucket. ` +
        `Turn it off (gcloud storage buckets update ${target} --no-requester-pays) or use another bucket.`,
      docs: DOCS.beforeYouBegin,
    };
  }
  const grant = (who: string): string =>
    `gcloud storage buckets add-iam-policy-binding ${target} --member=serviceAccount:${who} --role=${SERVICE_AGENT_ROLE}`;
  if (
    AGENT.test(message) ||
    /does not have (?:storage\.[\w.]+ )?access to (?:the )?Google Cloud Storage/i.test(message)
  ) {
    const needs = context.direction === "import" ? "read" : context.direction === "export" ? "write" : "use";
    return {
      kind: "service-agent-access",
      ...(bucket ? { bucket } : {}),
      account,
      role: SERVICE_AGENT_ROLE,
      fix:
        `The Firestore service agent ${account}${numberHint} cannot ${needs} ${target}. Check that the bucket exists ` +
        `(gcloud storage buckets describe ${target}): Google reports a missing bucket the same way. Then grant the ` +
        `agent ${SERVICE_AGENT_ROLE} on the bucket: ${grant(account)}`,
      docs: DOCS.permissions,
    };
  }
  if (/(?:specified bucket does not exist|bucket \S+ does not exist|NoSuchBucket)/i.test(message)) {
    return {
      kind: "missing-bucket",
      ...(bucket ? { bucket } : {}),
      account,
      fix:
        `${target} does not exist. Create it near the database's location (gcloud storage buckets create ${target} ` +
        `--location=LOCATION), or fix the URI; a bucket in another project also needs ${grant(account)}${numberHint}.`,
      docs: DOCS.beforeYouBegin,
    };
  }
  return undefined;
}

/** The diagnosis as the text appended to an error: `Fix: ... See <docs>.` */
export function diagnosisText(diagnosis: BucketDiagnosis): string {
  return `Fix: ${diagnosis.fix.replace(/\.?$/, ".")} See ${diagnosis.docs}`;
}

/** `message` followed by the fix when it is a bucket problem; `message` unchanged otherwise. */
export function withDiagnosis(
  message: string,
  error: { message: string } | undefined,
  context: FailureContext,
): string {
  const diagnosis = diagnoseBucketFailure(error, context);
  return diagnosis ? `${message} ${diagnosisText(diagnosis)}` : message;
}

function bucketIn(message: string): string | undefined {
  return (
    /Google Cloud Storage file: \/([a-z0-9][a-z0-9._-]{1,221}[a-z0-9])(?:\/|\.|\s|$)/.exec(message)?.[1] ??
    /\bBucket (?!is\b)([a-z0-9][a-z0-9._-]{1,221}[a-z0-9]) (?:is in location|does not exist)/i.exec(message)?.[1] ??
    /gs:\/\/([a-z0-9][a-z0-9._-]{1,221}[a-z0-9])/.exec(message)?.[1]
  );
}

function bucketOf(uri: string | undefined): string | undefined {
  return uri ? /^gs:\/\/([^/]+)/.exec(uri)?.[1] : undefined;
}

/** The diagnosis of a finished operation's error (export and import only: other kinds touch no bucket). */
export function diagnoseOperation(view: OperationView): BucketDiagnosis | undefined {
  const direction = view.metadataType.startsWith("Export")
    ? "export"
    : view.metadataType.startsWith("Import")
      ? "import"
      : undefined;
  if (!direction || !view.error) return undefined;
  const uri =
    direction === "export" ? (view.outputUriPrefix ?? view.request.outputUriPrefix) : view.request.inputUriPrefix;
  const database = orUndefined(() => formatDatabaseName(parseOperationName(view.name)));
  return diagnoseBucketFailure(view.error, { direction, ...(uri ? { uri } : {}), ...(database ? { database } : {}) });
}

/** A name's part for a hint, or none where the name is missing or malformed: a diagnosis never fails. */
function orUndefined(part: () => string): string | undefined {
  try {
    return part();
  } catch {
    return undefined;
  }
}

/**
 * Buckets the Firestore service agent cannot use, and the errors Google answers for each. Where each wording
 * comes from (and what is unverified) is in docs/emulator.md, "Buckets that cannot be used":
 *
 * - `no-access`: verbatim from gcloud's output of a failed import (jkomoros/card-web#579, 2022). gcloud printed
 *   it with a `PERMISSION_DENIED:` prefix, the form of an HTTP error of the request itself, so Google refuses the
 *   start synchronously with 403. The export wording is the same sentence about the prefix (unverified).
 * - `missing`: a public runbook reports that the Admin API answers a missing bucket as a permission denial, not
 *   revealing whether it exists (unverified beyond that one source): the same error as `no-access`.
 * - `wrong-location`: "Bucket B is in location L. This database can only operate on buckets spanning location
 *   A or B." (the same runbook, a 400; googleapis/nodejs-firestore#992 shows the older "This project can only
 *   operate on ..."). The status name of that 400 is unverified: INVALID_ARGUMENT here.
 * - `requester-pays`: Firestore's docs say a Requester Pays bucket cannot be used for export and import; the
 *   text is Cloud Storage's own 400 for a request without a user project ("Bucket is a requester pays bucket but
 *   no user project provided.", googleapis/google-cloud-python#4674 and others). How Firestore relays it is
 *   unverified.
 *
 * `at: "start"` (the default, what the sources show) refuses the start POST; `at: "run"` starts the operation
 * and ends it FAILED with the same status, for a problem found after the start (a grant revoked mid-run).
 */
import { createHash } from "node:crypto";
import { ApiError, RPC_CODES, type RpcStatusName } from "./api-error";

export type BucketProblem = "no-access" | "missing" | "wrong-location" | "requester-pays";

export const BUCKET_PROBLEMS: readonly BucketProblem[] = ["no-access", "missing", "wrong-location", "requester-pays"];

export interface BucketProblemSpec {
  problem: BucketProblem;
  /** When Google reports it: refusing the start request, or as the operation's error. */
  at: "start" | "run";
  /** `wrong-location`: where the bucket is (default europe-west1, outside the emulated database's nam5). */
  location?: string;
}

/** The location every emulated database is in (renderDatabase), and the bucket locations it may use (inferred). */
const DATABASE_BUCKET_LOCATIONS = ["us", "nam5"];

/**
 * The project number the emulator shows for a project id: real projects have one, the emulator's do not, so it is
 * derived from the id (12 digits, stable across runs and restarts).
 */
export function projectNumber(projectId: string): string {
  const hash = BigInt(`0x${createHash("sha256").update(projectId).digest("hex").slice(0, 16)}`);
  return (100_000_000_000n + (hash % 900_000_000_000n)).toString();
}

export function serviceAgent(projectId: string): string {
  return `service-${projectNumber(projectId)}@gcp-sa-firestore.iam.gserviceaccount.com`;
}

export interface BucketFailure {
  status: RpcStatusName;
  message: string;
  reason: string;
}

/**
 * The error for a transfer touching `bucket`. `object` is the path Google names: the prefix for an export, the
 * overall metadata file for an import.
 */
export function bucketFailure(
  spec: BucketProblemSpec,
  projectId: string,
  bucket: string,
  object: string,
): BucketFailure {
  switch (spec.problem) {
    case "no-access":
    case "missing":
      return {
        status: "PERMISSION_DENIED",
        reason: "PERMISSION_DENIED",
        message:
          `Service account does not have access to Google Cloud Storage file: /${bucket}${object ? `/${object}` : ""}. ` +
          "See https://cloud.google.com/datastore/docs/export-import-entities#permissions for a list of permissions " +
          `needed. Error details: ${serviceAgent(projectId)} does not have storage.buckets.get access to the Google ` +
          "Cloud Storage bucket.",
      };
    case "wrong-location":
      return {
        status: "INVALID_ARGUMENT",
        reason: "INVALID_ARGUMENT",
        message:
          `Bucket ${bucket} is in location ${spec.location ?? "europe-west1"}. This database can only operate on ` +
          `buckets spanning location ${DATABASE_BUCKET_LOCATIONS.join(" or ")}.`,
      };
    case "requester-pays":
      return {
        status: "INVALID_ARGUMENT",
        reason: "INVALID_ARGUMENT",
        message: "Bucket is a requester pays bucket but no user project provided.",
      };
  }
}

export function bucketApiError(failure: BucketFailure): ApiError {
  return new ApiError(failure.status, failure.message, { reason: failure.reason });
}

export function bucketRpcStatus(failure: BucketFailure): { code: number; message: string } {
  return { code: RPC_CODES[failure.status], message: failure.message };
}

/** Validates the `buckets` knob: `{ "name": { "problem": "no-access", "at": "run" } }`. */
export function parseBucketProblems(value: unknown): Record<string, BucketProblemSpec> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("buckets must be an object mapping bucket names to problems");
  }
  const out: Record<string, BucketProblemSpec> = {};
  for (const [bucket, raw] of Object.entries(value)) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new TypeError(`buckets.${bucket} must be an object with a problem`);
    }
    const spec = raw as Record<string, unknown>;
    for (const key of Object.keys(spec)) {
      if (key !== "problem" && key !== "at" && key !== "location") {
        throw new TypeError(`unknown behaviour knob "buckets.${bucket}.${key}"`);
      }
    }
    if (typeof spec.problem !== "string" || !BUCKET_PROBLEMS.includes(spec.problem as BucketProblem)) {
      throw new TypeError(`buckets.${bucket}.problem must be one of ${BUCKET_PROBLEMS.join(", ")}`);
    }
    const at = spec.at ?? "start";
    if (at !== "start" && at !== "run") throw new TypeError(`buckets.${bucket}.at must be one of start, run`);
    if (spec.location !== undefined && (typeof spec.location !== "string" || spec.location === "")) {
      throw new TypeError(`buckets.${bucket}.location must be a location name`);
    }
    out[bucket] = {
      problem: spec.problem as BucketProblem,
      at,
      ...(typeof spec.location === "string" ? { location: spec.location } : {}),
    };
  }
  return out;
}

/** `--bucket-problem NAME=PROBLEM[@run]` of the emulator CLI. */
export function parseBucketProblemFlag(text: string): [string, BucketProblemSpec] {
  const match = /^([^=]+)=([a-z-]+)(?:@(start|run))?$/.exec(text);
  if (!match) throw new TypeError(`--bucket-problem must be BUCKET=PROBLEM[@start|@run], got "${text}"`);
  const [bucket, problem, at] = [match[1] as string, match[2] as string, match[3] ?? "start"];
  const parsed = parseBucketProblems({ [bucket]: { problem, at } });
  return [bucket, parsed[bucket] as BucketProblemSpec];
}

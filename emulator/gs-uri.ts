/**
 * Cloud Storage naming rules (https://cloud.google.com/storage/docs/buckets#naming and
 * https://cloud.google.com/storage/docs/objects#naming), enforced where a name enters the emulator, so that
 * nothing accepted at a request can fail later inside the clock tick.
 */

/** Object names are at most this many bytes of UTF-8. */
export const MAX_OBJECT_NAME_BYTES = 1024;

/** A `gs://bucket/path` split into its bucket and object prefix (no leading or trailing slash). */
export interface GsLocation {
  bucket: string;
  path: string;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL, CR and LF are exactly what is refused.
const FORBIDDEN_OBJECT_CHARACTERS = /[\u0000\r\n]/;

/** Why `bucket` is not a valid bucket name, or undefined when it is. */
export function bucketNameProblem(bucket: string): string | undefined {
  const rule =
    'use 3-63 lowercase letters, digits, "-", "_" and "." (up to 222 with dots, 63 between dots), ' +
    "starting and ending with a letter or digit";
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(bucket) || bucket.length < 3) {
    return `bucket ${quote(bucket)} is not a valid Cloud Storage bucket name: ${rule}`;
  }
  const limit = bucket.includes(".") ? 222 : 63;
  if (bucket.length > limit || bucket.split(".").some((part) => part.length === 0 || part.length > 63)) {
    return `bucket ${quote(bucket)} is not a valid Cloud Storage bucket name: ${rule}`;
  }
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bucket)) {
    return `bucket ${quote(bucket)} is not a valid Cloud Storage bucket name: it must not be an IP address`;
  }
  if (bucket.startsWith("goog") || bucket.includes("google")) {
    return `bucket ${quote(bucket)} is not a valid Cloud Storage bucket name: it must not begin with "goog" or contain "google"`;
  }
  return undefined;
}

/** Why `name` is not a valid object name (or object name prefix, when `prefix`), or undefined when it is. */
export function objectNameProblem(name: string, prefix = false): string | undefined {
  if (name === "" && !prefix) return "object names must not be empty";
  if (UNPAIRED_SURROGATE.test(name)) return `object name ${quote(name)} is not valid UTF-8 (an unpaired surrogate)`;
  if (FORBIDDEN_OBJECT_CHARACTERS.test(name)) {
    return `object name ${quote(name)} contains a NUL, carriage return or line feed character, which Cloud Storage does not allow`;
  }
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_OBJECT_NAME_BYTES) {
    return `object name ${quote(name)} is ${bytes} bytes in UTF-8; Cloud Storage allows at most ${MAX_OBJECT_NAME_BYTES}`;
  }
  if (name === "." || name === "..") return `object name ${quote(name)} is not allowed`;
  if (name.startsWith(".well-known/acme-challenge/")) {
    return 'object names must not start with ".well-known/acme-challenge/"';
  }
  return undefined;
}

/**
 * Parses `gs://BUCKET[/PATH]` as export and import prefixes are given. Besides the Cloud Storage rules, the path
 * may not have empty, "." or ".." segments (a trailing slash is dropped).
 */
export function parseGsUri(uri: string): { location: GsLocation } | { problem: string } {
  const match = /^gs:\/\/([^/]*)(?:\/(.*))?$/s.exec(uri);
  if (!match) return { problem: "it must be a Cloud Storage URI of the form gs://BUCKET_NAME[/NAMESPACE_PATH]" };
  const bucket = match[1] as string;
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem) return { problem: bucketProblem };
  const path = trimTrailingSlashes(match[2] ?? "");
  const nameProblem = objectNameProblem(path, true);
  if (nameProblem) return { problem: nameProblem };
  if (path !== "" && path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    return { problem: `the path ${quote(path)} must not contain empty, "." or ".." segments` };
  }
  return { location: { bucket, path } };
}

/**
 * `value` without its trailing slashes, in one pass from the end: the regex `/\/+$/` restarts at every slash of a
 * long run and takes quadratic time (22 s for a 120 KB prefix of slashes).
 */
export function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end--;
  return value.slice(0, end);
}

/** A value quoted for an error message: JSON-escaped, and cut so that a huge input never fills the answer. */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

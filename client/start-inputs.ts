import { quote, trimTrailingSlashes } from "./text";

/**
 * The rules for what a start asks for (Cloud Storage URIs, collection and namespace ids, a snapshot time), one
 * statement of each: the provider's input check and the CLI's flags both apply them, each naming its own field.
 */

/** Reports one broken rule: the field (an input, a flag) and the rule, in words. */
export type Fail = (field: string, reason: string) => void;

/** The shape of a URI in messages. */
export function gsUriShape(needsPath: boolean): string {
  return `gs://BUCKET${needsPath ? "/PATH" : "[/PATH]"}`;
}

/**
 * gs://BUCKET[/PATH]: Cloud Storage bucket naming rules, no `..`, no empty segments; trailing slashes dropped
 * (as gcloud does). Undefined after `fail` when it breaks a rule.
 */
export function checkGsUri(value: string, field: string, needsPath: boolean, fail: Fail): string | undefined {
  const match = /^gs:\/\/([^/]+)(\/.*)?$/.exec(value);
  if (!match) {
    fail(field, `must be a Cloud Storage URI ${gsUriShape(needsPath)}, got ${quote(value)}`);
    return undefined;
  }
  const bucket = match[1] as string;
  const path = trimTrailingSlashes((match[2] ?? "").replace(/^\//, ""));
  const bucketOk =
    /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket) &&
    bucket.split(".").every((part) => part.length > 0 && part.length <= 63) &&
    (bucket.includes(".") || bucket.length <= 63) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
    !bucket.startsWith("goog");
  if (!bucketOk) {
    fail(
      field,
      `bucket ${quote(bucket)} is not a valid Cloud Storage bucket name (3-63 lowercase letters, digits, "-", "_", ".")`,
    );
    return undefined;
  }
  if (path.split("/").some((segment) => segment === "" || segment === "." || segment === "..") && path !== "") {
    fail(field, `path ${quote(path)} must not contain empty, "." or ".." segments`);
    return undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f#?]/.test(path)) {
    fail(field, `path ${quote(path)} must not contain control characters, "#" or "?"`);
    return undefined;
  }
  if (needsPath && path === "") {
    fail(field, "must name the folder of a finished export (gs://BUCKET/PATH), not just a bucket");
    return undefined;
  }
  return path === "" ? `gs://${bucket}` : `gs://${bucket}/${path}`;
}

/**
 * Each id of a list against `problem` and uniqueness, reported as `field[index]`. Ids `skip` says to pass
 * over (the engine's placeholder for an unknown value) are not checked.
 */
export function checkIds(
  ids: readonly unknown[],
  field: string,
  problem: (id: string) => string | undefined,
  fail: Fail,
  skip: (id: unknown) => boolean = () => false,
): void {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (skip(id)) continue;
    if (typeof id !== "string") {
      fail(`${field}[${index}]`, `must be a string, got ${quote(id)}`);
      continue;
    }
    if (seen.has(id)) fail(`${field}[${index}]`, `${quote(id)} appears more than once; ids must be unique`);
    seen.add(id);
    const reason = problem(id);
    if (reason) fail(`${field}[${index}]`, reason);
  }
}

export function collectionIdProblem(id: string): string | undefined {
  if (id === "") return "must not be empty";
  if (id.includes("/")) return `${quote(id)} must be a collection group id, without "/"`;
  if (/^__.*__$/.test(id)) return `${quote(id)} is reserved (ids matching __.*__ are)`;
  if (id === "." || id === "..") return `${quote(id)} is not a valid collection id`;
  if (Buffer.byteLength(id) > 1500) return "must be at most 1500 bytes";
  return undefined;
}

/** The empty id is allowed: the API reads it as the default namespace. */
export function namespaceIdProblem(id: string): string | undefined {
  if (/^__.*__$/.test(id)) return `${quote(id)} is reserved (ids matching __.*__ are)`;
  if (Buffer.byteLength(id) > 100) return "must be at most 100 bytes";
  return undefined;
}

/** Why a bulk delete needs collection or namespace ids (the API rejects a request with neither). */
export const BULK_DELETE_SCOPE_RULE = "deleting a whole database is DeleteDatabase's job";

/**
 * Whole minute and not in the future; how far back is the server's call (1 hour, or 7 days with PITR).
 * Normalized to `YYYY-MM-DDTHH:MM:00Z`; undefined after `fail`.
 */
export function checkSnapshotTime(value: unknown, field: string, now: number, fail: Fail): string | undefined {
  const match =
    typeof value === "string"
      ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value)
      : null;
  const ms = match ? Date.parse(`${match[1]}${(match[3] as string).toUpperCase()}`) : Number.NaN;
  if (!match || Number.isNaN(ms)) {
    fail(field, `must be an RFC 3339 timestamp such as "2026-05-26T10:20:00Z", got ${quote(value)}`);
    return undefined;
  }
  if (ms % 60_000 !== 0 || /[1-9]/.test(match[2] ?? "")) {
    fail(field, `must be a whole minute (seconds and fractions zero), got ${quote(value)}`);
    return undefined;
  }
  if (ms > now) {
    fail(field, `must be in the past, got ${quote(value)}`);
    return undefined;
  }
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

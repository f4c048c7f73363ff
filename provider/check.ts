import { parseDuration } from "../client/durations";
import type { InvalidInputError } from "../client/errors";
import { resolveDatabase, resolveOperationName } from "../client/names";
import { quote, trimTrailingSlashes } from "../client/text";
import { PULUMI_CONFIG_KEYS } from "./config-keys";
import { KIND_INPUTS, type ProviderInputs, SETTING_DEFAULTS } from "./inputs";
import type { ResourceKind } from "./kinds";

/** Where a Pulumi user sets the project of a bare database id. */
const WHERE_TO_SET_PROJECT = `set the resource's "project", the "${PULUMI_CONFIG_KEYS.project}" stack config, or GOOGLE_CLOUD_PROJECT`;

/** The engine's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How a failure names an input whose key is the empty string (the engine cannot attach it to a field). */
export const EMPTY_KEY = "(empty key)";

export interface CheckFailure {
  property: string;
  reason: string;
}

const COMMON = ["project", "waitFor", "timeouts", "onCancelLost", "resourceUrn", "stackInstance", "__provider"];

/**
 * Validates and normalizes inputs. Never throws: every problem becomes a failure naming the field and the
 * rule, and nothing is started while any failure stands.
 */
export function checkInputs(
  kind: ResourceKind,
  news: Record<string, unknown>,
  defaultProject: string | undefined,
  now: number = Date.now(),
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const unknown = (value: unknown) => value === UNKNOWN;
  const out: Record<string, unknown> = {};

  for (const key of Object.keys(news)) {
    if (!(KIND_INPUTS[kind] as readonly string[]).includes(key) && !COMMON.includes(key)) {
      fail(key === "" ? EMPTY_KEY : key, "is not an input of this resource");
    }
  }
  if ("__provider" in news) out.__provider = news.__provider;
  if (typeof news.resourceUrn === "string" || unknown(news.resourceUrn)) out.resourceUrn = news.resourceUrn;
  else if (news.resourceUrn !== undefined) fail("resourceUrn", "is set by the resource class, to its own URN");
  if (typeof news.stackInstance === "string") out.stackInstance = news.stackInstance;
  else if (news.stackInstance !== undefined)
    fail("stackInstance", "is set by the resource class, to its StackInstance's id");

  // database: a full name, or an id with a project (the resource's, else gcp:project).
  const project = news.project;
  if (project !== undefined && typeof project !== "string") {
    fail("project", "must be a string");
  } else if (unknown(news.database) || unknown(project)) {
    out.database = UNKNOWN;
  } else if (news.database !== undefined && typeof news.database !== "string") {
    fail("database", "must be a string: a database name, a database id, or a gcp.firestore.Database");
  } else {
    attempt(fail, () => {
      out.database = resolveDatabase(
        news.database as string | undefined,
        (project as string | undefined) || undefined,
        defaultProject,
        { whereToSetProject: WHERE_TO_SET_PROJECT },
      );
    });
  }

  if (kind === "export") {
    out.outputUriPrefix = gsUri(news.outputUriPrefix, "outputUriPrefix", false, fail);
    if (news.snapshotTime !== undefined) out.snapshotTime = snapshotTime(news.snapshotTime, now, fail);
  }
  if (kind === "import") out.inputUriPrefix = gsUri(news.inputUriPrefix, "inputUriPrefix", true, fail);
  if (kind !== "adopted") {
    const collections = idList(news.collectionIds, "collectionIds", collectionIdProblem, fail);
    const namespaces = idList(news.namespaceIds, "namespaceIds", namespaceIdProblem, fail);
    if (collections !== undefined) out.collectionIds = collections;
    if (namespaces !== undefined) out.namespaceIds = namespaces;
    if (
      kind === "bulkDelete" &&
      !collections?.length &&
      !namespaces?.length &&
      !unknown(news.collectionIds) &&
      !unknown(news.namespaceIds)
    ) {
      fail(
        "collectionIds",
        "bulk delete needs collectionIds or namespaceIds (deleting a whole database is DeleteDatabase's job)",
      );
    }
  }
  if (kind === "adopted") {
    if (unknown(news.operationName)) out.operationName = UNKNOWN;
    else if (typeof news.operationName !== "string" || news.operationName === "") {
      fail("operationName", "is required: the full name projects/P/databases/D/operations/ID, or an id with database");
    } else {
      attempt(fail, () => {
        const database = typeof out.database === "string" && out.database !== UNKNOWN ? out.database : undefined;
        out.operationName = resolveOperationName(news.operationName as string, database);
        // The operation's own database wins over a defaulted one.
        out.database = (out.operationName as string).replace(/\/operations\/[^/]+$/, "");
      });
    }
  }

  const waitFor = news.waitFor ?? SETTING_DEFAULTS.waitFor;
  if (waitFor !== "started" && waitFor !== "done" && !unknown(waitFor))
    fail("waitFor", `must be "started" or "done", got ${quote(waitFor)}`);
  out.waitFor = waitFor;
  const onCancelLost = news.onCancelLost ?? SETTING_DEFAULTS.onCancelLost;
  if (onCancelLost !== "warn" && onCancelLost !== "fail" && !unknown(onCancelLost)) {
    fail("onCancelLost", `must be "warn" or "fail", got ${quote(onCancelLost)}`);
  }
  out.onCancelLost = onCancelLost;
  out.timeouts = timeouts(news.timeouts, fail);

  return { inputs: out, failures };
}

function attempt(fail: (property: string, reason: string) => void, body: () => void): void {
  try {
    body();
  } catch (error) {
    if (error instanceof Error && error.name === "InvalidInputError") {
      const { field, rule } = error as InvalidInputError;
      fail(field, rule);
    } else fail("(input)", error instanceof Error ? error.message : String(error));
  }
}

/** gs://BUCKET[/PATH]: Cloud Storage bucket naming rules, no `..`, no empty segments. */
function gsUri(
  value: unknown,
  field: string,
  needsPath: boolean,
  fail: (property: string, reason: string) => void,
): unknown {
  if (value === UNKNOWN) return value;
  if (typeof value !== "string" || value === "") {
    fail(field, `is required: a Cloud Storage URI gs://BUCKET${needsPath ? "/PATH" : "[/PATH]"}`);
    return value;
  }
  const match = /^gs:\/\/([^/]+)(\/.*)?$/.exec(value);
  if (!match) {
    fail(field, `must be a Cloud Storage URI gs://BUCKET${needsPath ? "/PATH" : "[/PATH]"}, got ${quote(value)}`);
    return value;
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
    return value;
  }
  if (path.split("/").some((segment) => segment === "" || segment === "." || segment === "..") && path !== "") {
    fail(field, `path ${quote(path)} must not contain empty, "." or ".." segments`);
    return value;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f#?]/.test(path)) {
    fail(field, `path ${quote(path)} must not contain control characters, "#" or "?"`);
    return value;
  }
  if (needsPath && path === "") {
    fail(field, "must name the folder of a finished export (gs://BUCKET/PATH), not just a bucket");
    return value;
  }
  return path === "" ? `gs://${bucket}` : `gs://${bucket}/${path}`;
}

function idList(
  value: unknown,
  field: string,
  problem: (id: string) => string | undefined,
  fail: (property: string, reason: string) => void,
): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === UNKNOWN) return value as unknown as string[];
  if (!Array.isArray(value)) {
    fail(field, "must be a list of strings");
    return undefined;
  }
  const seen = new Set<string>();
  for (const [index, id] of value.entries()) {
    if (id === UNKNOWN) continue;
    if (typeof id !== "string") {
      fail(`${field}[${index}]`, `must be a string, got ${quote(id)}`);
      continue;
    }
    if (seen.has(id)) fail(`${field}[${index}]`, `${quote(id)} appears more than once; ids must be unique`);
    seen.add(id);
    const reason = problem(id);
    if (reason) fail(`${field}[${index}]`, reason);
  }
  // A set: sorted, so that a reordered list is no change (and the request the server sees is stable).
  return value.some((id) => id === UNKNOWN) ? (value as string[]) : [...(value as string[])].sort();
}

function collectionIdProblem(id: string): string | undefined {
  if (id === "") return "must not be empty";
  if (id.includes("/")) return `${quote(id)} must be a collection group id, without "/"`;
  if (/^__.*__$/.test(id)) return `${quote(id)} is reserved (ids matching __.*__ are)`;
  if (id === "." || id === "..") return `${quote(id)} is not a valid collection id`;
  if (Buffer.byteLength(id) > 1500) return "must be at most 1500 bytes";
  return undefined;
}

function namespaceIdProblem(id: string): string | undefined {
  if (/^__.*__$/.test(id)) return `${quote(id)} is reserved (ids matching __.*__ are)`;
  if (Buffer.byteLength(id) > 100) return "must be at most 100 bytes";
  return undefined;
}

/** Whole minute and not in the future; how far back is the server's call (1 hour, or 7 days with PITR). */
function snapshotTime(value: unknown, now: number, fail: (property: string, reason: string) => void): unknown {
  if (value === UNKNOWN) return value;
  const match =
    typeof value === "string"
      ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value)
      : null;
  const ms = match ? Date.parse(`${match[1]}${(match[3] as string).toUpperCase()}`) : Number.NaN;
  if (!match || Number.isNaN(ms)) {
    fail("snapshotTime", `must be an RFC 3339 timestamp such as "2026-05-26T10:20:00Z", got ${quote(value)}`);
    return value;
  }
  if (ms % 60_000 !== 0 || /[1-9]/.test(match[2] ?? "")) {
    fail("snapshotTime", `must be a whole minute (seconds and fractions zero), got ${quote(value)}`);
    return value;
  }
  if (ms > now) fail("snapshotTime", `must be in the past, got ${quote(value)}`);
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function timeouts(value: unknown, fail: (property: string, reason: string) => void): ProviderInputs["timeouts"] {
  const out: { create: string; delete: string } = { ...SETTING_DEFAULTS.timeouts };
  if (value === undefined || value === null) return out;
  if (typeof value !== "object" || Array.isArray(value)) {
    fail("timeouts", 'must be an object such as { create: "1h", delete: "20m" }');
    return out;
  }
  for (const [key, raw] of Object.entries(value)) {
    if (key !== "create" && key !== "delete") {
      fail(`timeouts.${key}`, 'is not a timeout; use "create" and "delete"');
      continue;
    }
    if (raw === undefined || raw === UNKNOWN) continue;
    if (typeof raw !== "string") {
      fail(`timeouts.${key}`, `must be a duration string such as "20m", got ${quote(raw)}`);
      continue;
    }
    try {
      parseDuration(raw, `timeouts.${key}`);
      out[key] = raw;
    } catch (error) {
      fail(`timeouts.${key}`, (error as { rule?: string }).rule ?? String(error));
    }
  }
  return out;
}

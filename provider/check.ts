import { parseDuration } from "../client/durations";
import { InvalidInputError } from "../client/errors";
import { formatDatabaseName, parseOperationName, resolveDatabase, resolveOperationName } from "../client/names";
import {
  BULK_DELETE_SCOPE_RULE,
  checkGsUri,
  checkIds,
  checkSnapshotTime,
  collectionIdProblem,
  gsUriShape,
  namespaceIdProblem,
} from "../client/start-inputs";
import { quote } from "../client/text";
import { PULUMI_CONFIG_KEYS } from "./config-keys";
import { KIND_INPUTS, type ProviderInputs, SETTING_DEFAULTS } from "./inputs";
import type { ResourceKind } from "./kinds";

/** Where a Pulumi user sets the project of a bare database id. */
const whereToSetProject = (projectKey: string) =>
  `set the resource's "project", the "${projectKey}" stack config, or GOOGLE_CLOUD_PROJECT`;

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
  /** The config key of the project in this front door (the dynamic provider's, or the plugin's). */
  projectKey: string = PULUMI_CONFIG_KEYS.project,
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
        { whereToSetProject: whereToSetProject(projectKey) },
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
      fail("collectionIds", `bulk delete needs collectionIds or namespaceIds (${BULK_DELETE_SCOPE_RULE})`);
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
        out.database = formatDatabaseName(parseOperationName(out.operationName as string));
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
    if (error instanceof InvalidInputError) {
      fail(error.field, error.rule);
    } else fail("(input)", error instanceof Error ? error.message : String(error));
  }
}

/** A Cloud Storage URI input (client/start-inputs.ts has the rules). */
function gsUri(
  value: unknown,
  field: string,
  needsPath: boolean,
  fail: (property: string, reason: string) => void,
): unknown {
  if (value === UNKNOWN) return value;
  if (typeof value !== "string" || value === "") {
    fail(field, `is required: a Cloud Storage URI ${gsUriShape(needsPath)}`);
    return value;
  }
  return checkGsUri(value, field, needsPath, fail) ?? value;
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
  checkIds(value, field, problem, fail, (id) => id === UNKNOWN);
  // A set: sorted, so that a reordered list is no change (and the request the server sees is stable). A list
  // holding an unknown or a non-string (already a failure) is left as it is: sorting would stringify its items.
  const sortable = value.every((id) => typeof id === "string" && id !== UNKNOWN);
  return sortable ? [...(value as string[])].sort() : (value as string[]);
}

function snapshotTime(value: unknown, now: number, fail: (property: string, reason: string) => void): unknown {
  if (value === UNKNOWN) return value;
  return checkSnapshotTime(value, "snapshotTime", now, fail) ?? value;
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

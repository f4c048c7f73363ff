import { InvalidInputError } from "./errors";
import { quote } from "./text";

/**
 * Resource names. They end up in request paths, so they are validated strictly and never concatenated
 * unchecked: a name with `..`, `?`, `#`, `%` or a slash inside a segment is refused.
 */

/**
 * Project ids as Google documents them (https://cloud.google.com/resource-manager/docs/creating-managing-projects):
 * 6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen; legacy
 * domain-scoped projects put their domain and a colon in front (`example.com:my-project`).
 */
const PROJECT_ID = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** PROJECT_ID in words, for the error that refuses an id. */
export const PROJECT_ID_RULE =
  '6-30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, optionally after a domain and a colon ("example.com:my-project")';
/** Database ids: `(default)`, or 4-63 chars of lowercase letters, digits and hyphens. */
const DATABASE_ID = /^(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])$/;
/** Operation ids are opaque but URL-safe (base64url-like). */
const OPERATION_ID = /^[A-Za-z0-9_-]{1,200}$/;

export interface DatabaseName {
  project: string;
  database: string;
}

export function formatDatabaseName(name: DatabaseName): string {
  return `projects/${name.project}/databases/${name.database}`;
}

export function parseDatabaseName(text: string, field = "database"): DatabaseName {
  const match = /^projects\/([^/]+)\/databases\/([^/]+)$/.exec(text);
  if (!match) {
    throw new InvalidInputError(
      field,
      `must be "projects/PROJECT/databases/DATABASE" or a database id, got ${quote(text, 80)}`,
    );
  }
  return { project: checkProjectId(match[1] as string, field), database: checkDatabaseId(match[2] as string, field) };
}

export function checkProjectId(project: string, field = "project"): string {
  if (!PROJECT_ID.test(project)) {
    throw new InvalidInputError(field, `project id ${quote(project)} must be ${PROJECT_ID_RULE}`);
  }
  return project;
}

export function checkDatabaseId(database: string, field = "database"): string {
  if (!DATABASE_ID.test(database)) {
    throw new InvalidInputError(
      field,
      `database id ${quote(database)} must be "(default)" or 4-63 lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  return database;
}

/** How a front end names the fields of a database and where its users set a project, for resolveDatabase. */
export interface DatabaseFields {
  /** The field holding the database (default "database"). */
  field?: string;
  /** The field holding the project (default "project"). */
  projectField?: string;
  /** Where its users can set a project, for a bare database id without one (default: the project field). */
  whereToSetProject?: string;
}

/**
 * Resolves `database` as users write it: a full name, or a bare id with `project` (or the default project).
 */
export function resolveDatabase(
  database: string | undefined,
  explicitProject: string | undefined,
  defaultProject: string | undefined,
  fields: DatabaseFields = {},
): string {
  const { field = "database", projectField = "project" } = fields;
  const text = database ?? "(default)";
  if (text.startsWith("projects/")) {
    const parsed = parseDatabaseName(text, field);
    if (explicitProject !== undefined && explicitProject !== parsed.project) {
      throw new InvalidInputError(
        projectField,
        `${quote(explicitProject)} disagrees with the project in ${field} ("${parsed.project}")`,
      );
    }
    return formatDatabaseName(parsed);
  }
  checkDatabaseId(text, field);
  const project = explicitProject || defaultProject;
  if (project === undefined || project === "") {
    throw new InvalidInputError(
      projectField,
      `is required with the bare database id ${quote(text, 80)}: ${fields.whereToSetProject ?? `set ${projectField}`}`,
    );
  }
  return formatDatabaseName({ project: checkProjectId(project), database: text });
}

export interface OperationName extends DatabaseName {
  id: string;
}

export function parseOperationName(text: string, field = "operationName"): OperationName {
  const match = /^projects\/([^/]+)\/databases\/([^/]+)\/operations\/([^/]+)$/.exec(text);
  if (!match) {
    throw new InvalidInputError(
      field,
      `must be "projects/PROJECT/databases/DATABASE/operations/ID", got ${quote(text, 80)}`,
    );
  }
  const id = match[3] as string;
  if (!OPERATION_ID.test(id)) {
    throw new InvalidInputError(field, `operation id ${quote(id, 80)} must be letters, digits, "-" and "_" only`);
  }
  return {
    project: checkProjectId(match[1] as string, field),
    database: checkDatabaseId(match[2] as string, field),
    id,
  };
}

export function formatOperationName(name: OperationName): string {
  return `${formatDatabaseName(name)}/operations/${name.id}`;
}

/** Accepts a full name or, like gcloud, a bare id with the database. */
export function resolveOperationName(text: string, database: string | undefined, field = "operationName"): string {
  if (text.startsWith("projects/")) return formatOperationName(parseOperationName(text, field));
  if (!OPERATION_ID.test(text)) {
    throw new InvalidInputError(field, `must be a full operation name or an operation id, got ${quote(text, 80)}`);
  }
  if (!database) throw new InvalidInputError("database", "is required when operationName is a bare operation id");
  return formatOperationName({ ...parseDatabaseName(database), id: text });
}

/** The last segment of an operation name: what messages show, and what `--database D` takes back. */
export function shortOperationId(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

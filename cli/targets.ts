import { InvalidInputError } from "../client/errors";
import { formatDatabaseName, parseOperationName, resolveDatabase, resolveOperationName } from "../client/names";
import type { GlobalFlags } from "./args";

/**
 * `--database` as gcloud takes it: an id (default "(default)") in `--project`/GOOGLE_CLOUD_PROJECT, or a full
 * `projects/P/databases/D`. Returns the full name.
 */
export function targetDatabase(flags: GlobalFlags, defaultProject: string | undefined): string {
  return resolveDatabase(flags.database, flags.project, defaultProject, {
    field: "--database",
    projectField: "--project",
    whereToSetProject:
      "pass --project, set GOOGLE_CLOUD_PROJECT or gcloud's project (gcloud config set project P), or use full names (--database projects/P/databases/D, or NAME projects/P/databases/D/operations/ID)",
  });
}

const FORM_CHECK_DATABASE = "projects/form-check/databases/(default)";

/** NAME as gcloud takes it: a full operation name, or a bare id in `--database`. Returns the full name. */
export function targetOperation(name: string, flags: GlobalFlags, defaultProject: string | undefined): string {
  if (!name.startsWith("projects/")) {
    let database: string;
    try {
      database = targetDatabase(flags, defaultProject);
    } catch (error) {
      // A malformed NAME is the first thing to fix: check its form (any database will do) before blaming flags.
      resolveOperationName(name, FORM_CHECK_DATABASE, "NAME");
      throw error;
    }
    return resolveOperationName(name, database, "NAME");
  }
  const full = resolveOperationName(name, undefined, "NAME");
  // A full NAME carries its project and database; flags that say otherwise are a mistake, not a hint to ignore.
  const { project, database } = parseOperationName(full, "NAME");
  if (flags.project !== undefined && flags.project !== project) {
    throw new InvalidInputError("--project", `"${flags.project}" disagrees with the project in NAME ("${project}")`);
  }
  if (flags.database !== undefined) {
    const actual = formatDatabaseName({ project, database });
    const wanted = flags.database.startsWith("projects/")
      ? flags.database
      : formatDatabaseName({ project, database: flags.database });
    if (wanted !== actual) {
      throw new InvalidInputError("--database", `"${flags.database}" disagrees with the database in NAME (${actual})`);
    }
  }
  return full;
}

import { formatDatabaseName, formatOperationName, parseDatabaseName, parseOperationName } from "./names";

/**
 * Admin API URLs, built from validated names one encoded segment at a time, so that no name can steer a request
 * off the configured endpoint.
 */
export function databaseUrl(endpoint: string, database: string): string {
  const { project, database: id } = parseDatabaseName(database);
  return `${endpoint}${formatDatabaseName({ project: encodeURIComponent(project), database: encodeURIComponent(id) })}`;
}

export function operationUrl(endpoint: string, name: string): string {
  const { project, database, id } = parseOperationName(name);
  const encoded = {
    project: encodeURIComponent(project),
    database: encodeURIComponent(database),
    id: encodeURIComponent(id),
  };
  return `${endpoint}${formatOperationName(encoded)}`;
}

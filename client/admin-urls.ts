import { parseDatabaseName, parseOperationName } from "./names";

/**
 * Admin API URLs, built from validated names one encoded segment at a time, so that no name can steer a request
 * off the configured endpoint.
 */
export function databaseUrl(endpoint: string, database: string): string {
  const { project, database: id } = parseDatabaseName(database);
  return `${endpoint}projects/${encodeURIComponent(project)}/databases/${encodeURIComponent(id)}`;
}

export function operationUrl(endpoint: string, name: string): string {
  const parsed = parseOperationName(name);
  return `${databaseUrl(endpoint, `projects/${parsed.project}/databases/${parsed.database}`)}/operations/${encodeURIComponent(parsed.id)}`;
}

import type { FirestoreAdminClient } from "./admin-client";
import { ApiRequestError } from "./errors";
import { formatDatabaseName, parseOperationName } from "./names";

/**
 * Whether a failed request about an operation proves that the operation no longer exists. Only the API's own
 * NOT_FOUND does: the AIP-193 envelope with status NOT_FOUND, from a server that knows the operation's database.
 * A proxy's 404 page, a wrong endpoint, or a server without this database (DATABASE_NOT_FOUND) answer 404 too,
 * and dropping a running operation from the stack on their word would orphan it; so the database is read once
 * to confirm that this server is the one that holds it.
 */
export async function provesGone(client: FirestoreAdminClient, name: string, error: unknown): Promise<boolean> {
  if (!(error instanceof ApiRequestError) || error.httpStatus !== 404 || error.status !== "NOT_FOUND") return false;
  const operation = parseOperationName(name);
  try {
    return isDatabase(await client.getDatabase(formatDatabaseName(operation)), operation.database);
  } catch {
    return false;
  }
}

/**
 * Whether a databases.get answer is that Database (a stub answering `{}` to everything is not). The project
 * part may be the project's id or its number, so only the database id must match.
 */
function isDatabase(answer: unknown, database: string): boolean {
  const name = typeof answer === "object" && answer !== null ? (answer as { name?: unknown }).name : undefined;
  return (
    typeof name === "string" &&
    /^projects\/[^/]+\/databases\/[^/]+$/.test(name) &&
    name.endsWith(`/databases/${database}`)
  );
}

import { ApiRequestError } from "../client/errors";
import { PULUMI_CONFIG_KEYS } from "./config-keys";

/**
 * A 404 that did not prove the operation gone (client/operation-gone.ts): the provider method fails, the resource
 * stays in the stack, and the user learns why.
 */
export function unprovenNotFound(name: string, error: unknown): ApiRequestError {
  return new ApiRequestError(
    `${(error as Error).message} — this does not prove that ${name} is gone (only the Firestore API's NOT_FOUND for an operation of a database it holds does; check ${PULUMI_CONFIG_KEYS.endpoint} and any proxy), so the resource stays in the stack`,
    { httpStatus: 404, ambiguous: false },
  );
}

import type { StartRequest } from "../client/ambiguous-start";
import { InvalidInputError } from "../client/errors";
import {
  BULK_DELETE_SCOPE_RULE,
  checkGsUri,
  checkIds,
  checkSnapshotTime,
  collectionIdProblem,
  type Fail,
  namespaceIdProblem,
} from "../client/start-inputs";
import { type Invocation, START_COMMANDS, type StartCommand } from "./args";

/** A broken rule stops the command before anything is sent: exit 2, naming the flag (or argument). */
const fail: Fail = (field, reason) => {
  throw new InvalidInputError(field, reason);
};

/**
 * The request export, import or bulk-delete sends, from gcloud's arguments, by the rules the provider checks
 * its inputs with (client/start-inputs.ts). Lists are comma-separated, as gcloud takes them, and sorted, as the
 * provider sends them.
 */
export function startRequestFrom(command: StartCommand, invocation: Invocation, now = Date.now()): StartRequest {
  const collectionIds = idList(invocation.collectionIds, "--collection-ids", collectionIdProblem);
  const namespaceIds = idList(invocation.namespaceIds, "--namespace-ids", namespaceIdProblem);
  const lists = {
    ...(collectionIds ? { collectionIds } : {}),
    ...(namespaceIds ? { namespaceIds } : {}),
  };
  const uriArgument = START_COMMANDS[command];
  const uri = (needsPath: boolean) =>
    checkGsUri(invocation.names[0] as string, uriArgument as string, needsPath, fail) as string;
  switch (command) {
    case "export": {
      const snapshotTime =
        invocation.snapshotTime === undefined
          ? undefined
          : checkSnapshotTime(invocation.snapshotTime, "--snapshot-time", now, fail);
      return {
        method: "exportDocuments",
        body: { outputUriPrefix: uri(false), ...lists, ...(snapshotTime ? { snapshotTime } : {}) },
      };
    }
    case "import":
      return { method: "importDocuments", body: { inputUriPrefix: uri(true), ...lists } };
    case "bulk-delete":
      if (!collectionIds && !namespaceIds) {
        fail(
          "--collection-ids",
          `or --namespace-ids is required: bulk-delete of every document (${BULK_DELETE_SCOPE_RULE})`,
        );
      }
      return { method: "bulkDeleteDocuments", body: lists };
  }
}

/** `a,b,c` → the sorted ids; an empty item is the default namespace for --namespace-ids, an error elsewhere. */
function idList(
  text: string | undefined,
  flag: string,
  problem: (id: string) => string | undefined,
): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(",");
  checkIds(ids, flag, problem, fail);
  return ids.sort();
}

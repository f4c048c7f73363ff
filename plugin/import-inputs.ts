import { InvalidInputError } from "../client/errors";
import { formatDatabaseName, parseOperationName } from "../client/names";
import { METADATA_TYPE } from "../client/operation-types";
import type { OperationView } from "../client/operation-view";
import type { ResourceKind } from "../provider/kinds";

/** The operation type each kind that starts one adopts on `pulumi import`; an adopted operation may be any. */
const IMPORTABLE_TYPE: Record<Exclude<ResourceKind, "adopted">, string> = {
  export: METADATA_TYPE.exportDocuments,
  import: METADATA_TYPE.importDocuments,
  bulkDelete: METADATA_TYPE.bulkDeleteDocuments,
};

/**
 * The inputs `pulumi import` records (and writes into the program it suggests) for an existing operation: what
 * the operation's metadata says it was asked to do, so that the declared resource matches it and the next `up`
 * neither replaces nor starts anything. A FirestoreExport imports only an export, and so on.
 */
export function importedInputs(kind: ResourceKind, view: OperationView): Record<string, unknown> {
  const database = formatDatabaseName(parseOperationName(view.name, "id"));
  if (kind === "adopted") return { database, operationName: view.name };
  const expected = IMPORTABLE_TYPE[kind];
  if (view.metadataType !== expected) {
    throw new InvalidInputError(
      "id",
      `names a ${view.metadataType || "untyped"} operation; this resource type imports a ${expected} one (FirestoreOperation adopts any)`,
    );
  }
  const { request } = view;
  const lists = {
    ...(request.collectionIds.length > 0 ? { collectionIds: [...request.collectionIds].sort() } : {}),
    ...(request.namespaceIds.length > 0 ? { namespaceIds: [...request.namespaceIds].sort() } : {}),
  };
  if (kind === "export") {
    return {
      database,
      outputUriPrefix: request.outputUriPrefix ?? view.outputUriPrefix,
      ...lists,
      ...(request.snapshotTime ? { snapshotTime: request.snapshotTime } : {}),
    };
  }
  if (kind === "import") return { database, inputUriPrefix: request.inputUriPrefix, ...lists };
  return { database, ...lists };
}

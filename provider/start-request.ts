import type { StartRequest } from "../client/ambiguous-start";
import type { ProviderInputs } from "./inputs";
import type { ResourceKind } from "./kinds";

export type { StartRequest };

/** What to POST for a kind; `adopted` starts nothing. */
export function startRequest(kind: ResourceKind, inputs: ProviderInputs): StartRequest | undefined {
  const lists = {
    ...(inputs.collectionIds?.length ? { collectionIds: inputs.collectionIds } : {}),
    ...(inputs.namespaceIds?.length ? { namespaceIds: inputs.namespaceIds } : {}),
  };
  switch (kind) {
    case "export":
      return {
        method: "exportDocuments",
        body: {
          outputUriPrefix: inputs.outputUriPrefix as string,
          ...lists,
          ...(inputs.snapshotTime ? { snapshotTime: inputs.snapshotTime } : {}),
        },
      };
    case "import":
      return { method: "importDocuments", body: { inputUriPrefix: inputs.inputUriPrefix as string, ...lists } };
    case "bulkDelete":
      return { method: "bulkDeleteDocuments", body: lists };
    case "adopted":
      return undefined;
  }
}

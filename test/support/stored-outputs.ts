import type { ResourceOutputs } from "../../provider/outputs";
import { DB } from "./emulator-client";

/**
 * What the start step of a running export (`gs://bkt/x` of the default database, waitFor "started", the default
 * timeouts) stored for operation `name`, with `extra` over it: the state a test hands read, diff or delete.
 */
export function runningExportOutputs(name: string, extra: Record<string, unknown> = {}): ResourceOutputs {
  return {
    database: DB,
    outputUriPrefix: "gs://bkt/x",
    waitFor: "started",
    timeouts: { create: "2h", delete: "30m" },
    onCancelLost: "warn",
    operationName: name,
    operationType: "ExportDocumentsMetadata",
    state: "PROCESSING",
    done: false,
    ...extra,
  } as ResourceOutputs;
}

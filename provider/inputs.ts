import { DEFAULT_CANCEL_TIMEOUT } from "../client/cancel-timeout";
import type { ResourceKind } from "./kinds";

/** Inputs as stored in state after `check` normalized them. */
export interface ProviderInputs {
  /** Full database name, `projects/P/databases/D`. */
  database: string;
  outputUriPrefix?: string;
  inputUriPrefix?: string;
  collectionIds?: string[];
  namespaceIds?: string[];
  snapshotTime?: string;
  /** FirestoreOperation: the full name of the operation to adopt. */
  operationName?: string;
  waitFor: "started" | "done";
  timeouts: { create: string; delete: string };
  onCancelLost: "warn" | "fail";
  /** The URN of the component users declare: names the resource in messages and keys its start journal. */
  resourceUrn?: string;
  /**
   * The id of the component's StackInstance resource (provider/stack-instance.ts): with the URN, keys the start
   * journal, so that only this stack instance resumes its entries. Never a change (diff ignores it).
   */
  stackInstance?: string;
}

/** Inputs that describe the operation itself: changing one means a new operation (replace). */
export const OPERATION_INPUTS = [
  "database",
  "outputUriPrefix",
  "inputUriPrefix",
  "collectionIds",
  "namespaceIds",
  "snapshotTime",
  "operationName",
] as const;

/** Inputs that are sets of ids: order carries no meaning, so check sorts them and diff compares them as sets. */
export const LIST_INPUTS = ["collectionIds", "namespaceIds"] as const;

/** The operation inputs each kind takes (besides `project`, which check folds into `database`). */
export const KIND_INPUTS: Record<ResourceKind, readonly (typeof OPERATION_INPUTS)[number][]> = {
  export: ["database", "outputUriPrefix", "collectionIds", "namespaceIds", "snapshotTime"],
  import: ["database", "inputUriPrefix", "collectionIds", "namespaceIds"],
  bulkDelete: ["database", "collectionIds", "namespaceIds"],
  adopted: ["database", "operationName"],
};

/** Inputs that only steer how we wait; changing them never replaces. */
export const SETTING_INPUTS = ["waitFor", "timeouts", "onCancelLost"] as const;

/** How long each wait may take when `timeouts` leaves it out. */
export const DEFAULT_TIMEOUTS = { create: "2h", delete: DEFAULT_CANCEL_TIMEOUT } as const;

/** What check stores for a setting left out: the one statement of each default (the argument docs refer here). */
export const SETTING_DEFAULTS = {
  waitFor: "started",
  timeouts: DEFAULT_TIMEOUTS,
  onCancelLost: "warn",
} as const satisfies Pick<ProviderInputs, (typeof SETTING_INPUTS)[number]>;

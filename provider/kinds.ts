/** The four resources share one provider; the kind says which operation a resource starts (or adopts). */
export type ResourceKind = "export" | "import" | "bulkDelete" | "adopted";

export const RESOURCE_KINDS: readonly ResourceKind[] = ["export", "import", "bulkDelete", "adopted"];

/**
 * What a provider module in state names: a resource kind, the wait step of a `waitFor: "done"` resource, or the
 * StackInstance resource of every component (provider/stack-instance.ts).
 */
export type ProviderKind = ResourceKind | "wait" | "stackInstance";

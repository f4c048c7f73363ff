/** The four resources share one provider; the kind says which operation a resource starts (or adopts). */
export type ResourceKind = "export" | "import" | "bulkDelete" | "adopted";

export const RESOURCE_KINDS: readonly ResourceKind[] = ["export", "import", "bulkDelete", "adopted"];

/** What a provider module in state names: a resource kind, or the wait step of a `waitFor: "done"` resource. */
export type ProviderKind = ResourceKind | "wait";

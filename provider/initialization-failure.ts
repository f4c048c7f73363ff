import type { ResourceOutputs } from "./outputs";

/** An error the dynamic provider host turns into an initialization failure: the resource stays in state. */
export class InitializationFailure extends Error {
  constructor(
    readonly id: string,
    readonly properties: ResourceOutputs,
    readonly reasons: string[],
  ) {
    super(reasons.join("; "));
  }
}

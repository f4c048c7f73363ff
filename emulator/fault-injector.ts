import type { Endpoint, FaultKind, FaultSettings } from "./behaviour";
import { SeededRandom } from "./seeded-random";

/** Decides, reproducibly from the seed, which requests get a transient fault. */
export class FaultInjector {
  private random: SeededRandom;
  injected = 0;
  /** Requests to the listed endpoints seen since the fault settings last changed (for `passFirst`). */
  private matched = 0;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  reseed(seed: number): void {
    this.random = new SeededRandom(seed);
  }

  /** New fault settings: `passFirst` counts again from zero. */
  restartCount(): void {
    this.matched = 0;
  }

  decide(settings: FaultSettings, endpoint: Endpoint): FaultKind | undefined {
    if (settings.rate <= 0 || settings.kinds.length === 0) return undefined;
    if (settings.endpoints.length > 0 && !settings.endpoints.includes(endpoint)) return undefined;
    if (++this.matched <= settings.passFirst) return undefined;
    if (!this.random.chance(settings.rate)) return undefined;
    this.injected++;
    return this.random.pick(settings.kinds);
  }
}

import * as prand from "pure-rand";

/** A reproducible random source: the same seed gives the same fault pattern and dataset. */
export class SeededRandom {
  private readonly rng: prand.RandomGenerator;

  constructor(readonly seed: number) {
    this.rng = prand.xoroshiro128plus(seed | 0);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.rng);
  }

  /** Uniform float in [0, 1). */
  fraction(): number {
    return this.int(0, 0x3fffffff) / 0x40000000;
  }

  chance(probability: number): boolean {
    return probability > 0 && this.fraction() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }
}

/** The emulator's clock in the test's hands: operations move only when the test moves it. */
export interface SteppedClock {
  now: () => number;
  advance(ms: number): void;
}

/** Starts at a fixed instant, or at `startMs` (the wall clock, when a test signs tokens with Date.now()). */
export function steppedClock(startMs = Date.parse("2026-06-01T00:00:00Z")): SteppedClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * The emulator's clock, ahead of the wall clock by `aheadMs`: a test moves it on so that a running operation has
 * the estimate Firestore gives only some way after the start, while operations still end on the wall clock.
 */
export interface SkewedClock {
  now: () => number;
  aheadMs: number;
}

export function skewedClock(): SkewedClock {
  const clock: SkewedClock = { aheadMs: 0, now: () => Date.now() + clock.aheadMs };
  return clock;
}

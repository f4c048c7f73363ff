import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { POLL_SCHEDULE, pollDelay } from "../../client/backoff";

const noJitter = () => 0.5;

describe("the poll schedule", () => {
  test("ramps up, holds 400 ms for the first minute, then grows with the wait up to 30 s", () => {
    const ramp = [0, 1, 2, 3, 4, 5, 6].map((attempt) => pollDelay(POLL_SCHEDULE, attempt, 0, noJitter));
    assert.deepEqual(ramp, [100, 130, 169, 220, 286, 371, 400]);
    assert.equal(pollDelay(POLL_SCHEDULE, 120, 59_999, noJitter), 400);
    assert.equal(pollDelay(POLL_SCHEDULE, 130, 90_000, noJitter), 3_400);
    assert.equal(pollDelay(POLL_SCHEDULE, 140, 180_000, noJitter), 12_400);
    assert.equal(pollDelay(POLL_SCHEDULE, 150, 3_600_000, noJitter), 30_000);
  });

  test("a minute of waiting costs about 150 GETs, and the rest of an hour about 200 more, not thousands", () => {
    const getsWithin = (horizonMs: number): number => {
      let elapsed = 0;
      let gets = 0;
      for (let attempt = 0; elapsed < horizonMs; attempt++) {
        elapsed += pollDelay(POLL_SCHEDULE, attempt, elapsed, noJitter);
        gets++;
      }
      return gets;
    };
    const minute = getsWithin(60_000);
    const hour = getsWithin(3_600_000);
    assert.ok(minute >= 145 && minute <= 155, `${minute} GETs in the first minute`);
    assert.ok(hour - minute <= 210, `${hour - minute} GETs from the first minute to the hour`);
  });

  test("every delay is within the jitter of a base that never shrinks as the wait goes on", () => {
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.nat(24 * 3_600_000),
        fc.nat(1_000),
        fc.nat(3_600_000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, elapsed, moreAttempts, moreElapsed, random) => {
          const base = pollDelay(POLL_SCHEDULE, attempt, elapsed, noJitter);
          const later = pollDelay(POLL_SCHEDULE, attempt + moreAttempts, elapsed + moreElapsed, noJitter);
          assert.ok(later >= base, `base ${base} ms then ${later} ms`);
          assert.ok(base >= POLL_SCHEDULE.initialDelayMs && base <= POLL_SCHEDULE.maxDelayMs);
          const delay = pollDelay(POLL_SCHEDULE, attempt, elapsed, () => random);
          assert.ok(
            delay >= Math.floor(base * (1 - POLL_SCHEDULE.jitter)) &&
              delay <= Math.ceil(base * (1 + POLL_SCHEDULE.jitter)),
          );
        },
      ),
    );
  });
});

import { withExportsStack } from "./bench-stack";
import type { Benchmark } from "./benchmark";
import { table } from "./markdown";
import { formatMs, formatRatio } from "./stats";

/** 25 starts against the emulator's default limit of 20 a minute. */
const FULL = { count: 25, perMinute: 20 };
/** --quick: the same shape, small; the floor stays a minute (the quota's window), but with few processes busy. */
const QUICK = { count: 3, perMinute: 2 };
/** More starts than the per-minute limit: the first start past it cannot go before the first is a minute old. */
const FLOOR_MS = 60_000;

/**
 * The time one `pulumi up` takes to start 25 exports against the emulator's 20-a-minute limit, as a ratio of
 * the floor the quota sets (60 s): how much the waiting costs beyond what the quota forces. A ratio of 1.00×
 * would start the 21st export the moment the first one's minute is over.
 */
export const quotaStarts: Benchmark = {
  name: "quota-starts",
  title: "Starting 25 exports against the 20-a-minute quota",
  async run(options, progress) {
    const { count, perMinute } = options.quick ? QUICK : FULL;
    return withExportsStack(["--limits", "--duration-ms", String(6 * 3600_000)], count, async (stack, admin) => {
      await admin.setBehaviour({ limits: { perMinute } });
      await admin.newRequests();
      progress(`up of ${count} exports, limits on (${perMinute} a minute)`);
      const up = await stack.timed(["up", "--yes", "--non-interactive", "--skip-preview"]);
      const log = (await admin.newRequests()).filter((e) => e.endpoint === "exportDocuments");
      const accepted = log.filter((e) => e.status === 200).map((e) => e.timeMs);
      const refused = log.filter((e) => e.status === 429).length;
      const running = (await admin.operations()).filter((op) => !op.done).length;
      if (accepted.length !== count || running !== count) {
        throw new Error(`expected ${count} exports started and running, got ${accepted.length} and ${running}`);
      }
      const spanMs = Math.max(...accepted) - Math.min(...accepted);
      progress("destroy");
      await stack.timed(["destroy", "--yes", "--non-interactive", "--skip-preview", "--parallel", String(count)]);
      return [
        `One \`pulumi up --skip-preview\` of ${count} FirestoreExport resources against an emulator with \`--limits\` ` +
          `(${perMinute} export and import requests a minute, 50 at once; its 429s carry Retry-After and RetryInfo). ` +
          `The floor is the quota's: start ${perMinute + 1} cannot be accepted before the first is a minute old. Measured: the up's wall ` +
          "time (CLI, program and provider start-up included) and the span from the first accepted start to the last " +
          "(the emulator's request log), each against the 60 s floor.",
        "",
        table(
          ["up wall", "vs 60 s floor", "first to last start", "vs 60 s floor", "starts refused (429)", "running after"],
          [
            [
              formatMs(up.wallMs),
              formatRatio(up.wallMs / FLOOR_MS),
              formatMs(spanMs),
              formatRatio(spanMs / FLOOR_MS),
              refused,
              running,
            ],
          ],
        ),
      ].join("\n");
    });
  },
};

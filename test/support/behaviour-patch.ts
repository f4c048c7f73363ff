import assert from "node:assert/strict";
import type { TestEmulator } from "./emulator-client";

/** PATCHes behaviour knobs and checks they took: a refused patch would leave the test testing nothing. */
export async function patchBehaviour(emu: TestEmulator, patch: Record<string, unknown>): Promise<void> {
  const reply = await emu.control("PATCH", "behaviour", patch);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  assertIncludes(reply.json, patch, "behaviour");
}

function assertIncludes(actual: unknown, expected: Record<string, unknown>, at: string): void {
  for (const [key, value] of Object.entries(expected)) {
    const got = (actual as Record<string, unknown> | undefined)?.[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      assertIncludes(got, value as Record<string, unknown>, `${at}.${key}`);
    } else {
      assert.deepEqual(got, value, `${at}.${key} took effect`);
    }
  }
}

/**
 * Idle keep-alive connections: the emulator keeps them as Google's front ends do, far longer than clients keep
 * theirs, so a client never reuses a socket the server is closing; close() still ends them at once.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import { test } from "node:test";
import { IDLE_KEEP_ALIVE_MS } from "../../emulator/http-io";
import { startEmulator } from "../../emulator/index";

test("an idle keep-alive connection: the server says it keeps it 610 s, and close() ends it at once", async () => {
  const running = await startEmulator({});
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { headers, socket } = await new Promise<{
      headers: http.IncomingHttpHeaders;
      socket: import("node:net").Socket;
    }>((resolve, reject) => {
      const request = http.get(`${running.url}/emulator/v1/health`, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve({ headers: response.headers, socket: request.socket as never }));
      });
      request.on("error", reject);
    });
    assert.equal(IDLE_KEEP_ALIVE_MS, 610_000);
    assert.equal(headers.connection, "keep-alive");
    // What clients read to time out their idle sockets first (undici: the hint less 1 s).
    assert.equal(headers["keep-alive"], "timeout=610");
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.ref(); // the agent unrefs an idle socket; the test waits on it
    assert.equal(socket.destroyed, false, "the connection is idle, still open");
    await running.close();
    await closed;
  } finally {
    agent.destroy();
  }
});

import { isIPv4, isIPv6 } from "node:net";

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback: addresses that only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIPv4(host)) return host.startsWith("127.");
  if (isIPv6(host)) return host === "::1" || /^::ffff:127\./.test(host) || /^(0+:){7}0*1$/.test(host);
  return host === "localhost";
}

/** 0.0.0.0 and :: (in any spelling): bound there, the emulator listens on every interface. */
export function isUnspecifiedAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "");
  if (isIPv4(host)) return host === "0.0.0.0";
  return isIPv6(host) && host.split(":").every((part) => /^0*$/.test(part));
}

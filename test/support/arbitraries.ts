/**
 * fast-check arbitraries shared by the reliability tests: hostile strings and values (what a careless or
 * malicious program, or a corrupted state file, can hand the provider), and generators of valid inputs.
 */
import fc from "fast-check";

/** The engine's placeholder for an unknown value (provider/check.ts UNKNOWN). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pieces that break naive URL or path handling. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  "..",
  ".",
  "/",
  "//",
  "/../",
  "?",
  "?x=1",
  "#",
  "#frag",
  "%2F",
  "%2f",
  "%2e%2e",
  "%00",
  "%",
  "\\",
  "\\\\",
  "@",
  ":",
  "//evil.example/",
  "@evil.example",
  "http://evil.example/",
  "https://evil.example/v1/",
  "evil.example",
  "\u0000",
  "\n",
  "\r\n",
  "\t",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u202e",
  "\ufeff",
  "\u200b",
  "é",
  "ß",
  "İ",
  "😀",
  "\ud800",
  "\udfff",
  "ｇｓ://",
  "／",
  "．．",
  "gs://",
  "gs:///",
  "gs://bkt",
  "projects/",
  "/databases/",
  "/operations/",
  "(default)",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "__x__",
  "__",
  " ",
  "*",
  "$",
  "~",
  "'",
  '"',
  "<script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${x}" is the hostile input.
  "${x}",
  "-",
  "_",
  "0",
  "a",
  "Z",
  UNKNOWN,
];

/**
 * Huge strings, built once (1 MB each). None has a long run of consecutive slashes: that case is a separate,
 * deterministic test (quadratic regex), so that a timing failure there does not turn the whole property into a
 * slow shrink.
 */
export const HUGE_STRINGS: readonly string[] = [
  "a".repeat(1_000_000),
  "é".repeat(500_000),
  "😀".repeat(250_000),
  "\u0000".repeat(1_000_000),
  "../".repeat(333_333),
  "%2F".repeat(333_333),
  `gs://bkt/${"x/".repeat(500_000)}x`,
  `projects/${"p".repeat(1_000_000)}/databases/(default)`,
  `projects/demo-project/databases/(default)/operations/${"A".repeat(1_000_000)}`,
  `${"9".repeat(1_000_000)}h`,
];

/** Strings that are likely to hit a validator's corner: unicode, control characters, crafted joins, huge ones. */
export function hostileString(extraFragments: readonly string[] = [], options = { huge: true }): fc.Arbitrary<string> {
  const fragments = [...HOSTILE_FRAGMENTS, ...extraFragments];
  const fragment = fc.constantFrom(...fragments);
  const word = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
  return fc.oneof(
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 2 },
    { arbitrary: fc.array(fc.oneof(fragment, word), { maxLength: 12 }).map((parts) => parts.join("")), weight: 5 },
    {
      arbitrary: fc.tuple(fragment, fc.integer({ min: 1, max: 3_000 })).map(([piece, n]) => piece.repeat(n)),
      weight: 1,
    },
    { arbitrary: options.huge ? fc.constantFrom(...HUGE_STRINGS) : fc.constant("x".repeat(5_000)), weight: 1 },
  );
}

/** Anything JSON can carry, and then some: NaN, infinities, -0, nested junk, hostile keys. */
export function hostileValue(extraFragments: readonly string[] = [], options = { huge: true }): fc.Arbitrary<unknown> {
  const str = hostileString(extraFragments, options);
  const key = fc.oneof(str, fc.constantFrom("__proto__", "constructor", "prototype", "create", "delete", "__provider"));
  const leaf = fc.oneof(
    { arbitrary: str, weight: 6 },
    { arbitrary: fc.double(), weight: 1 },
    {
      arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e308),
      weight: 1,
    },
    { arbitrary: fc.integer(), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constantFrom(null, undefined, UNKNOWN, "", "started", "done", "warn", "fail"), weight: 2 },
  );
  return fc.oneof(
    { arbitrary: leaf, weight: 6 },
    { arbitrary: fc.array(leaf, { maxLength: 6 }), weight: 2 },
    { arbitrary: hostileObject(key, leaf), weight: 1 },
    {
      // JSON-ish: plain objects and arrays only (the engine never hands over null-prototype or boxed values).
      arbitrary: fc.anything({ key, maxDepth: 3, maxKeys: 5 }),
      weight: 1,
    },
  );
}

/** Objects whose keys may be `__proto__` or `constructor` as own properties (as JSON.parse makes them). */
export function hostileObject(key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>): fc.Arbitrary<object> {
  return fc.array(fc.tuple(key, value), { maxLength: 6 }).map(ownProperties);
}

export function ownProperties(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

// --- valid inputs ---

/** Project ids as Google allows them: 6-30 lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
/** Database ids: (default), or 4-63 lowercase letters, digits and hyphens, starting with a letter. */
export const databaseId = fc.oneof(fc.constant("(default)"), fc.stringMatching(/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/));
/** Long-running operation ids: URL-safe base64-like. */
export const operationId = fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/);

/** Cloud Storage bucket names: 3-63 chars, no "goog" prefix, not an IP address; or dotted names. */
export const bucketName = fc
  .oneof(
    fc.stringMatching(/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/),
    fc
      .array(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}[a-z0-9]$/), { minLength: 2, maxLength: 4 })
      .map((parts) => parts.join(".")),
  )
  .filter((b) => !b.startsWith("goog") && !/^\d+\.\d+\.\d+\.\d+$/.test(b) && b.length <= 222);

/**
 * A path segment: anything but "/", control characters, "#", "?", "", "." and "..". Also not U+2028/U+2029:
 * check refuses them (its gs:// regex uses `.`), which is conservative rather than wrong.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is about control characters.
const BAD_SEGMENT = /[/\u0000-\u001f\u007f#?\u2028\u2029]/;
export const pathSegment = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
    fc.constantFrom("a b", "é", "😀", "x%2Fy", "..x", "x..", "(default)", "%"),
  )
  .filter((s) => s !== "" && s !== "." && s !== ".." && !BAD_SEGMENT.test(s));

/** gs://BUCKET[/PATH] with optional trailing slashes, and what check should normalize it to. */
export function gsUri(needsPath: boolean): fc.Arbitrary<{ raw: string; normalized: string }> {
  return fc
    .tuple(
      bucketName,
      fc.array(pathSegment, { minLength: needsPath ? 1 : 0, maxLength: 4 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([bucket, segments, trailing]) => {
      const base = segments.length ? `gs://${bucket}/${segments.join("/")}` : `gs://${bucket}`;
      return { raw: base + "/".repeat(trailing), normalized: base };
    });
}

/** Collection ids: no "/", not __.*__, not "." or "..", at most 1500 bytes. */
export const collectionId = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,30}$/),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
    fc.constantFrom("é", "😀", "a.b", "_x", "x__", "__x", "%2F", "a?b", "a#b", "users", "orders"),
  )
  .filter((id) => id !== "" && !id.includes("/") && !/^__.*__$/.test(id) && id !== "." && id !== "..")
  .filter((id) => Buffer.byteLength(id) <= 1500);

/** Namespace ids: may be "" (the default namespace), not __.*__, at most 100 bytes. */
export const namespaceId = fc
  .oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,30}$/), fc.string({ unit: "grapheme", maxLength: 20 }))
  .filter((id) => !/^__.*__$/.test(id) && Buffer.byteLength(id) <= 100);

/** Durations Pulumi's customTimeouts style accepts: > 0 and at most 168h. */
export const duration = fc
  .tuple(fc.integer({ min: 0, max: 168 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .filter(([h, m, s]) => h * 3600 + m * 60 + s > 0 && h * 3600 + m * 60 + s <= 168 * 3600)
  .chain(([h, m, s]) =>
    fc.constantFrom(
      `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`,
      `${h}h${m}m${s}s`,
      `${h * 3600 + m * 60 + s}s`,
    ),
  )
  .filter((d) => d !== "0h0m0s");

/** A whole-minute instant in the past, written in one of the RFC 3339 forms check accepts. */
export function pastWholeMinute(now: number): fc.Arbitrary<{ raw: string; normalized: string }> {
  const latest = Math.floor(now / 60_000) - 1;
  return fc
    .tuple(
      fc.integer({ min: latest - 60 * 24 * 365 * 30, max: latest }),
      fc.constantFrom("Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00"),
      fc.constantFrom("", ".0", ".000", ".000000000"),
    )
    .map(([minute, zone, fraction]) => {
      const ms = minute * 60_000;
      const normalized = new Date(ms).toISOString().replace(".000Z", "Z");
      const offsetMinutes =
        zone.toUpperCase() === "Z"
          ? 0
          : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
      const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
      return { raw: `${local}${fraction}${zone}`, normalized };
    });
}

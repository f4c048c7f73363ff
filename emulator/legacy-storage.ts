import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidObjectNameError, type ObjectStore } from "./object-store";

/**
 * Data dirs written before objects were stored by hashed name keep them as a file tree `storage/<bucket>/<name>`.
 * Copies every such object into `store`, then removes the tree. A kill half way is harmless: the copy is redone
 * on the next start, and writing an object twice leaves the same object. Objects Cloud Storage would not accept
 * are left out and named in `skipped`.
 */
export function migrateLegacyStorage(legacyRoot: string, store: ObjectStore): { moved: number; skipped: string[] } {
  const skipped: string[] = [];
  let moved = 0;
  if (!fs.existsSync(legacyRoot)) return { moved, skipped };
  const walk = (dir: string, bucket: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, bucket);
      else if (entry.isFile() && !entry.name.includes(".tmp-")) {
        const name = path.relative(path.join(legacyRoot, bucket), full).split(path.sep).join("/");
        try {
          store.write(bucket, name, fs.readFileSync(full, "utf8"));
          moved++;
        } catch (error) {
          if (!(error instanceof InvalidObjectNameError)) throw error;
          skipped.push(`gs://${bucket}/${name}`);
        }
      }
    }
  };
  for (const bucket of fs.readdirSync(legacyRoot, { withFileTypes: true })) {
    if (bucket.isDirectory()) walk(path.join(legacyRoot, bucket.name), bucket.name);
  }
  fs.rmSync(legacyRoot, { recursive: true, force: true });
  return { moved, skipped };
}

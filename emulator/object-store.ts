import * as fs from "node:fs";
import * as path from "node:path";

/** The Cloud Storage side of exports and imports, so partial and complete outputs are observable. */
export interface StoredObject {
  bucket: string;
  name: string;
  size: number;
}

export interface ObjectStore {
  write(bucket: string, name: string, data: string): void;
  read(bucket: string, name: string): string | undefined;
  list(bucket: string, prefix: string): StoredObject[];
}

export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, string>();

  write(bucket: string, name: string, data: string): void {
    this.objects.set(`${bucket}/${name}`, data);
  }

  read(bucket: string, name: string): string | undefined {
    return this.objects.get(`${bucket}/${name}`);
  }

  list(bucket: string, prefix: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const [key, data] of this.objects) {
      if (!key.startsWith(`${bucket}/${prefix}`)) continue;
      out.push({ bucket, name: key.slice(bucket.length + 1), size: Buffer.byteLength(data) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Objects as files under `<root>/<bucket>/<name>`, written atomically so a kill never leaves half a file. */
export class DirectoryObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  write(bucket: string, name: string, data: string): void {
    const file = this.fileOf(bucket, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  }

  read(bucket: string, name: string): string | undefined {
    try {
      return fs.readFileSync(this.fileOf(bucket, name), "utf8");
    } catch {
      return undefined;
    }
  }

  list(bucket: string, prefix: string): StoredObject[] {
    const bucketDir = this.fileOf(bucket, "");
    const out: StoredObject[] = [];
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (!entry.name.includes(".tmp-")) {
          const name = path.relative(bucketDir, full).split(path.sep).join("/");
          if (name.startsWith(prefix)) out.push({ bucket, name, size: fs.statSync(full).size });
        }
      }
    };
    walk(bucketDir);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private fileOf(bucket: string, name: string): string {
    // Names come from validated gs:// URIs, but never let one climb out of the store.
    const parts = [bucket, ...name.split("/")].filter((p) => p !== "");
    if (parts.some((p) => p === "." || p === "..")) throw new Error(`unsafe object name ${bucket}/${name}`);
    return path.join(this.root, ...parts);
  }
}

/** Splits `gs://bucket/a/b` into bucket and object prefix (no leading or trailing slash). */
export function parseGsUri(uri: string): { bucket: string; path: string } | undefined {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) return undefined;
  const objectPath = (match[2] ?? "").replace(/\/+$/, "");
  if (objectPath.split("/").some((p) => p === "." || p === "..")) return undefined;
  if (objectPath.includes("//")) return undefined;
  return { bucket: match[1] as string, path: objectPath };
}

import { startCommand } from "../start-command";

/** `export gs://BUCKET[/PATH]`: gcloud firestore export, on the provider's start path. */
export const exportCommand = startCommand("export");

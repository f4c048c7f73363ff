import { startCommand } from "../start-command";

/** `import gs://BUCKET/PATH`: gcloud firestore import, on the provider's start path. */
export const importCommand = startCommand("import");

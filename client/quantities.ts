/** toLocaleString builds a formatter on every call, which a refresh or destroy of many resources feels. */
const COUNT = new Intl.NumberFormat("en-US");

/** `26,200`: counts of documents in progress lines. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}

/** `12.8 MB`: decimal units, as Firestore's console shows them. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

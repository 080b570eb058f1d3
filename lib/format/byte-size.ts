const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * A size as people read it in a reason or an error message: "10 MB", "2.4 KB", "512 bytes"
 * (binary units, as the limits are set, one decimal at most).
 */
export function formatByteSize(bytes: number): string {
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MB`;
  if (bytes >= KiB) return `${+(bytes / KiB).toFixed(1)} KB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

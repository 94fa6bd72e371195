/** Which names may stand in a package. */

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function isRfc3339Utc(s: string): boolean {
  return RFC3339_UTC.test(s) && !Number.isNaN(Date.parse(s));
}

/**
 * Why a path relative to data/ cannot be a payload file, or undefined when it can.
 * Besides escaping the bag (RFC 8493 §2.1.3 forbids manifest paths outside the
 * payload), a backslash or NUL would mean different files on different systems.
 */
export function unsafePayloadPath(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (/[\\\0]/.test(path)) return 'holds a backslash or NUL';
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return 'has an empty, "." or ".." segment';
  return undefined;
}

/** Tag files Custos writes, in the order the ZIP and the tag manifests list them. */
export const TAG_FILES = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sha512.txt', 'custody.json'] as const;
export const TAG_MANIFESTS = ['tagmanifest-sha256.txt', 'tagmanifest-sha512.txt'] as const;

/**
 * What the export job needs from package building (reports/packages/): turn a bag
 * folder whose data/ the formats wrote into a signed BagIt package with its custody
 * record, and a ZIP of it for downloads.
 */
import type { WrittenFile } from './formats/format-writer.js';

export interface CustodyInput {
  packageId: string;
  tenant: string;
  kind: 'export';
  filters: Record<string, unknown>;
  asOf: string;
  /** People as the audit log names them (subject and name), or the pseudonym when it names nobody. */
  requestedBy: { subject: string; name?: string };
  approvedBy: Array<{ subject: string; name?: string }>;
  requestedAt: string;
  countsPerFormat: Record<string, { files: number; messages: number }>;
  countsPerConversation: Record<string, number>;
  generator: string;
}

export interface PackagedBag {
  merkleRoot: string;
  keyId: string;
  /** The ZIP of the whole bag, for downloads. */
  zip: { path: string; bytes: number; sha256: string };
}

export type Packager = (bagDir: string, files: ReadonlyArray<WrittenFile & { format: string }>, custody: CustodyInput) => Promise<PackagedBag>;

/**
 * The e-mail address a person is shown with in EML and RSMF: the directory's address
 * when it is a plain ASCII addr-spec, otherwise one made up under the reserved
 * `.invalid` TLD (RFC 2606), `<user_id>@<tenant>.custos.invalid`, so every participant
 * still has an RFC 5322 addr-spec that no mail system will ever deliver to.
 */
import { createHash } from 'node:crypto';
import type { ExportPerson } from '../export-record.js';

export interface MailIdentity {
  userId: string;
  /** Directory display name, '' when unknown. */
  display: string;
  addrSpec: string;
  /** True when addrSpec is the directory's own address. */
  fromDirectory: boolean;
}

const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(\\.[${ATEXT}]+)*$`);
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAX_LOCAL = 64;

/** A dot-atom local part and a dot-atom domain of LDH labels: what every mail parser accepts. */
export function isPlainAddrSpec(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.length > 254) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  return local.length <= MAX_LOCAL && DOT_ATOM.test(local) && labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

const U_ATEXT = `\\u{80}-\\u{10FFFF}${ATEXT}`;
const U_DOT_ATOM = new RegExp(`^[${U_ATEXT}]+(\\.[${U_ATEXT}]+)*$`, 'u');
const U_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/**
 * An internationalised addr-spec (RFC 6531/6532: UTF-8 allowed in local part and
 * domain), what JSON Schema's `idn-email` means. RSMF manifests carry these as they
 * are; EML headers stay 7-bit and use the made-up address instead.
 */
export function isInternationalAddrSpec(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  const labels = email.slice(at + 1).split('.');
  return U_DOT_ATOM.test(email.slice(0, at)) && labels.length >= 2 && labels.every((l) => U_LABEL.test(l));
}

export function mailIdentity(userId: string, person: ExportPerson | undefined, tenant: string): MailIdentity {
  const display = person?.display_name ?? '';
  const email = person?.email ?? '';
  if (isPlainAddrSpec(email)) return { userId, display, addrSpec: email, fromDirectory: true };
  return { userId, display, addrSpec: `${localPart(userId)}@${tenantLabel(tenant)}.custos.invalid`, fromDirectory: false };
}

/** `%HH` for every byte outside [A-Za-z0-9_-] keeps distinct ids distinct; `%` is atext. */
function localPart(userId: string): string {
  let out = '';
  for (const byte of Buffer.from(userId, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out !== '' && out.length <= MAX_LOCAL) return out;
  return `u-${createHash('sha256').update(userId, 'utf8').digest('hex').slice(0, 40)}`;
}

/** Domains are case-insensitive, so anything but a lower-case LDH label is replaced by a hash. */
function tenantLabel(tenant: string): string {
  if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(tenant)) return tenant;
  return `t-${createHash('sha256').update(tenant, 'utf8').digest('hex').slice(0, 24)}`;
}

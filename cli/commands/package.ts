/**
 * `custos package verify DIR|ZIP`: checks an eDiscovery or access-request package
 * offline (reports/packages/verify.ts) and names the first bad file. It reads files
 * only: no store, no data-directory lock, so it runs beside `custos serve` or on a
 * machine that has nothing but the package and the tenant's public key.
 */
import type { Command } from 'commander';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../common/config.js';
import { CustosError } from '../../common/errors.js';
import { findSigningKey } from '../../common/keys/signing-keys.js';
import { verifyPackage, type VerifyOptions } from '../../reports/packages/verify.js';
import { encryptPackage, encrypterFor } from '../../reports/packages/encrypt.js';
import { existsSync } from 'node:fs';

function readPublicKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CustosError(`--public-key: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(key.asymmetricKeyType);
    return key;
  } catch {
    throw new CustosError(`--public-key: ${file} is not an Ed25519 public key in PEM (SubjectPublicKeyInfo), as \`custos keys show\` prints it`);
  }
}

/** Without --public-key: the tenant's key kept in this data directory, if it is the one that signed. */
function localKeyLookup(): VerifyOptions['lookupKey'] {
  const dataDir = loadConfig().dataDir;
  return (keyId, tenant) => {
    const key = findSigningKey(dataDir, tenant);
    return key && key.keyId === keyId ? key.publicKeyPem : undefined;
  };
}

export function registerPackage(program: Command): void {
  const pkg = program.command('package').description('check eDiscovery export and access-request packages');
  pkg
    .command('verify <path>')
    .description('check a package (bag directory or ZIP) offline: manifests, custody.json, Merkle root, Ed25519 signature; names the first bad file')
    .option('--public-key <file>', "the tenant's public signing key (PEM); default: the tenant's key in CUSTOS_DATA_DIR, if it signed the package")
    .option('--json', 'print one JSON object on stdout')
    .action(async (path: string, opts: { publicKey?: string; json?: boolean }) => {
      const options: VerifyOptions = opts.publicKey !== undefined ? { publicKey: readPublicKey(opts.publicKey) } : { lookupKey: localKeyLookup() };
      const r = await verifyPackage(path, options);
      if (opts.json) {
        const out = r.ok
          ? { ok: true, id: r.jobId, job_id: r.jobId, tenant: r.tenant, kind: r.kind, files: r.files, bytes: r.bytes, merkle_root: r.merkleRoot, key_id: r.keyId }
          : { ok: false, file: r.file, problem: r.problem };
        process.stdout.write(JSON.stringify(out) + '\n');
      }
      // A payload name may hold a line break; the failure stays one line all the same.
      const oneLine = (s: string) => s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
      if (!r.ok) throw new CustosError(`package verify: ${oneLine(r.file)}: ${oneLine(r.problem)}`);
      if (!opts.json) process.stdout.write(`package ok: ${r.files} files, ${r.bytes} bytes, Merkle root ${r.merkleRoot}, signed by key ${r.keyId} (tenant ${r.tenant}, job ${r.jobId})\n`);
    });
  pkg
    .command('encrypt <path>')
    .description('encrypt a package (ZIP) for one or more age recipients, to send it by e-mail or USB; decrypt with any age tool (age -d -i key.txt)')
    .requiredOption('--recipient <age1...>', 'an age recipient (repeat for several)', (v: string, list: string[] = []) => [...list, v])
    .option('--out <file>', 'where to write the encrypted file (default: <path>.age)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (path: string, opts: { recipient: string[]; out?: string; json?: boolean }) => {
      encrypterFor(opts.recipient);
      if (!existsSync(path)) throw new CustosError(`package encrypt: ${path}: no such file`);
      const out = opts.out ?? `${path}.age`;
      if (existsSync(out)) throw new CustosError(`--out: ${out} exists; remove it or name another file`);
      const r = await encryptPackage(path, out, opts.recipient);
      if (opts.json) process.stdout.write(JSON.stringify({ id: r.path, path: r.path, bytes: r.bytes, recipients: r.recipients }) + '\n');
      else process.stdout.write(`package encrypted for ${r.recipients.length} recipient(s): ${r.path} (${r.bytes} bytes)\n`);
    });
}

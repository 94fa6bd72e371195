/**
 * Runs Relativity's own RSMF validator (DLL under Mono, /work/shared/tools/rsmf-validate,
 * strict: a warning fails) on a file. Mono is a prerequisite of the test run, not
 * something a test installs: when it is missing this throws, naming the packages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../../common/paths.js';

// shared/ sits beside the project (the checkout and CI's clean clone alike).
export const RSMF_VALIDATOR = process.env.CUSTOS_RSMF_VALIDATOR ?? join(packageRoot(), '..', 'shared', 'tools', 'rsmf-validate', 'validate.sh');

export const MONO_PACKAGES =
  'mono-runtime libmono-microsoft-csharp4.0-cil libmono-system-data4.0-cil libmono-system-io-compression4.0-cil ' +
  'libmono-system-runtime-serialization4.0-cil libmono-system-xml-linq4.0-cil';

export class RsmfValidatorMissingError extends Error {
  constructor(what: string) {
    super(
      `Relativity's RSMF validator cannot run: ${what}. Install Mono (Debian 12): ` +
        `apt-get update && apt-get install -y ${MONO_PACKAGES}; the validator itself is ${RSMF_VALIDATOR} ` +
        '(set CUSTOS_RSMF_VALIDATOR to use another copy).',
    );
    this.name = 'RsmfValidatorMissingError';
  }
}

export function assertValidatorAvailable(): void {
  const mono = spawnSync('mono', ['--version'], { encoding: 'utf8' });
  if (mono.error || mono.status !== 0) throw new RsmfValidatorMissingError('mono is not installed');
  const script = spawnSync('test', ['-x', RSMF_VALIDATOR]);
  if (script.status !== 0) throw new RsmfValidatorMissingError(`${RSMF_VALIDATOR} is not there`);
}

export interface Verdict {
  ok: boolean;
  line: string;
  details: string;
}

export function validateRsmf(path: string): Verdict {
  try {
    const line = execFileSync(RSMF_VALIDATOR, [path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return { ok: line.startsWith('ok:'), line, details: '' };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, line: (e.stdout ?? '').trim(), details: (e.stderr ?? '').trim() };
  }
}

/**
 * Renders docs/permissions.md from the policy as loaded by Casbin (roles x scopes,
 * in every tenant). `node dist/policies/permissions-doc.js` rewrites the file; a
 * test fails when the file and the policy disagree.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { loadAuthorizer, type Authorizer } from './authorize.js';
import { ROLES, SCOPES, STEP_UP_SCOPES } from './scopes.js';

/** Any tenant name: the default policy grants the same in every tenant. */
const SAMPLE_TENANT = 'any-tenant';

export async function renderPermissionsDoc(auth?: Authorizer): Promise<string> {
  const a = auth ?? (await loadAuthorizer());
  const lines = [
    '# Permissions',
    '',
    '<!-- Generated from policies/model.conf and policies/policy.csv by policies/permissions-doc.ts. Do not edit by hand: run `npx tsc -p tsconfig.json && node dist/policies/permissions-doc.js`. -->',
    '',
    'Which role may use which scope, in every tenant where the principal holds that role.',
    'A principal never reaches another tenant: roles are held per tenant and Casbin matches',
    'the tenant of the request. Scopes marked *step-up* also need a person who signed in with',
    'MFA recently (see docs/security.md); API tokens never pass step-up.',
    '',
    `| scope | ${ROLES.join(' | ')} |`,
    `| --- | ${ROLES.map(() => ':---:').join(' | ')} |`,
  ];
  for (const scope of SCOPES) {
    const cells: string[] = [];
    for (const role of ROLES) cells.push((await a.roleAllows(role, SAMPLE_TENANT, scope)) ? 'yes' : '-');
    lines.push(`| \`${scope}\`${STEP_UP_SCOPES.has(scope) ? ' (step-up)' : ''} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

export function permissionsDocPath(): string {
  return join(packageRoot(), 'docs', 'permissions.md');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(permissionsDocPath(), await renderPermissionsDoc());
  process.stdout.write(`wrote ${permissionsDocPath()}\n`);
}

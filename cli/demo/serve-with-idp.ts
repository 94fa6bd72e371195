/**
 * `custos demo --serve`: the demo's identity provider on loopback and `custos serve`
 * signed in through it, so a newcomer can use the web UI at once. The provider runs
 * in this process; `custos serve` runs as a child with the OIDC settings pointing at
 * it (the same settings an operator would set for a real IdP: no special path in the
 * server). Stopping this process stops both.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CustosError } from '../../common/errors.js';
import type { CommandContext } from '../context.js';
import { demoUsers, signInLines } from './demo-users.js';

export async function serveWithDemoIdp(ctx: CommandContext, tenant: string, idpPort: number): Promise<number> {
  const { config } = ctx;
  const publicUrl = (config.auth.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '');
  let idpModule: typeof import('./identity-provider.js');
  try {
    // oidc-provider is a development dependency: only the demo loads it.
    idpModule = await import('./identity-provider.js');
  } catch (err) {
    throw new CustosError(`the demo identity provider needs the development dependencies (oidc-provider): run \`npm install\` in the project folder (${(err as Error).message})`);
  }
  const users = demoUsers(tenant);
  const idp = await idpModule.startOidcProvider({ custosUrl: publicUrl, users, port: idpPort });
  process.stdout.write(
    `demo: identity provider (demo only, loopback) at ${idp.issuer}\n` +
      `demo: web UI at ${publicUrl}/  sign in with (tenant "${tenant}"):\n${signInLines(users).join('\n')}\n`,
  );
  const child = spawn(process.execPath, [process.argv[1]!, 'serve'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.webClient.id,
      OIDC_CLIENT_SECRET: idp.webClient.secret,
      OIDC_AUDIENCE: idpModule.API_RESOURCE,
      OIDC_SCOPES: 'openid profile email groups',
    },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const [code] = (await once(child, 'exit')) as [number | null];
  await idp.close();
  return code ?? 1;
}

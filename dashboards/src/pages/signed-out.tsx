/** Shown when there is no session (and after signing out): what Custos is, and the way in. */
import { PageTitle } from '../components/page-title.js';
import { signInUrl } from '../format/problems.js';

export function SignedOutPage({ returnTo, signInOff }: { returnTo: string; signInOff?: boolean }) {
  return (
    <main id="main" class="signed-out">
      <PageTitle>Custos</PageTitle>
      <p>You are signed out.</p>
      <p>Custos keeps your organisation's chat archive for compliance: search, review, exports and the audit of who looked at what.</p>
      {signInOff ? (
        <p role="status">Browser sign-in is not configured on this server: set <code>OIDC_ISSUER</code> and <code>OIDC_CLIENT_ID</code> (docs/web-ui.md). The API answers API tokens meanwhile.</p>
      ) : <p><a class="button" href={signInUrl(returnTo)}>Sign in</a></p>}
    </main>
  );
}

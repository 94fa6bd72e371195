/** Shown when there is no session (and after signing out): what Custos is, and the way in. */
import { PageTitle } from '../components/page-title.js';
import { signInUrl } from '../format/problems.js';
import { useT } from '../i18n/index.js';

export function SignedOutPage({ returnTo, signInOff }: { returnTo: string; signInOff?: boolean }) {
  const t = useT().signedOut;
  return (
    <main id="main" class="signed-out">
      <PageTitle>Custos</PageTitle>
      <p>{t.youAreOut}</p>
      <p>{t.about}</p>
      {signInOff ? (
        <p role="status">{t.signInOff}</p>
      ) : <p><a class="button" href={signInUrl(returnTo)}>{t.signIn}</a></p>}
    </main>
  );
}

/**
 * The tests' identity provider is the demo's (cli/demo/identity-provider.ts), started
 * with the test-only backdating field so step-up can be tested without waiting.
 */
import { startOidcProvider as startIdp, type IdpOptions, type TestIdp } from '../../cli/demo/identity-provider.js';

export { API_RESOURCE, CookieJar, DEFAULT_USERS, followUntil, jarFetch, signInAtIdp, TEST_CLIENT_ID, WEB_CLIENT_ID, type TestIdp, type TestUser } from '../../cli/demo/identity-provider.js';

export function startOidcProvider(opts: IdpOptions): Promise<TestIdp> {
  return startIdp({ allowBackdating: true, ...opts });
}

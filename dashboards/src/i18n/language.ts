/**
 * Which language a page is shown in: the person's explicit choice if they made one on
 * this browser, else the first of the browser's languages we have, else English.
 * The choice is kept in localStorage as the bare language code ("en" or "fr"): not
 * personal data, nothing about who chose it (docs/web-ui.md "Browser storage").
 */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_KEY = 'custos.lang';

const isLanguage = (v: unknown): v is Language => LANGUAGES.some((l) => l === v);

/** The language for these browser languages (navigator.languages) and this stored choice. */
export function pickLanguage(browser: readonly string[], stored: string | null | undefined): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** The stored choice; null when storage is unavailable (private mode, disabled). */
export function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

export function storeLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(LANGUAGE_KEY, lang);
  } catch {
    // Storage refused (private mode): the choice lasts until the page is reloaded.
  }
}

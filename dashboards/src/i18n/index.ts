/**
 * The message catalogue in use, through Preact context: `useT()` gives a page the
 * messages of the chosen language, `useLang()` the language code (for Intl formats).
 * The shell (app.tsx) provides it and re-renders everything when the switch changes it.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type Messages } from './en.js';
import { fr } from './fr.js';
import type { Language } from './language.js';

export type { Messages } from './en.js';
export const CATALOGUES: Record<Language, Messages> = { en, fr };

export const I18n = createContext<Messages>(en);

export function useT(): Messages {
  return useContext(I18n);
}

/** The BCP 47 tag for Intl formats (times, numbers). */
export function useLang(): string {
  return useContext(I18n).lang;
}

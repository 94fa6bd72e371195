/**
 * The policies Custos ships, in English and French, for a compliance officer to
 * enable (as they are, or as the start of their own): installed from these
 * templates through the API (`POST .../supervision/policies` with `template`).
 * They start disabled and at 100% review, like any new policy: run a backtest on
 * the archive first (docs/supervision.md).
 *
 * Lexicons are deliberately short and precise; tuning is the officer's, with the
 * backtest. A word is matched on word boundaries after folding (case, accents).
 */
import type { PolicyDefinitionInput } from './policy-model.js';

const en = (text: string) => ({ text, stem: 'en' as const });
const fr = (text: string) => ({ text, stem: 'fr' as const });

export const DEFAULT_POLICIES: Readonly<Record<string, PolicyDefinitionInput>> = {
  credentials: {
    name: 'Credentials and secrets pasted in chat',
    description: 'Private keys, cloud access keys, API tokens and "password:" lines (English and French). Anyone who sees the message sees the secret: rotate it.',
    severity: 'high',
    lexicon: {
      patterns: [
        { name: 'private-key', regex: '-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----' },
        { name: 'aws-access-key', regex: '\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b', prefilter: ['akia', 'asia'] },
        { name: 'google-api-key', regex: '\\bAIza[0-9A-Za-z_-]{35}\\b' },
        { name: 'github-token', regex: '\\bgh[pousr]_[A-Za-z0-9]{36,251}\\b', prefilter: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
        { name: 'slack-token', regex: '\\bxox[abprs]-[A-Za-z0-9-]{10,200}' },
        { name: 'jwt', regex: '\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}' },
        { name: 'password-line', regex: '\\b(?:password|passwd|pwd|passcode|mot de passe|mdp|api[_ -]?key|secret[_ -]?key|client[_ -]?secret)[^\\S\\n]*[:=][^\\S\\n]*\\S', case_insensitive: true,
          prefilter: ['pass', 'pwd', 'mot de passe', 'mdp', 'key', 'secret'] },
      ],
      // The key AWS's own documentation uses as an example.
      none_of: ['AKIAIOSFODNN7EXAMPLE'],
    },
  },
  off_channel: {
    name: 'Moving off-channel or deleting messages',
    description: 'Requests to continue a conversation on WhatsApp, Signal, Telegram, a personal phone or e-mail, or to delete messages (English and French): business communications must stay on the archived channel.',
    severity: 'medium',
    lexicon: {
      terms: [
        "let's take this to whatsapp", 'take this to whatsapp', 'take this to signal', 'take this to telegram', 'take this offline',
        'my personal phone', 'my personal number', 'my personal email', 'my personal cell', 'my private number',
        'off the record', 'not in writing', 'not on this channel',
        en('delete this chat'), en('delete this conversation'), en('delete this thread'),
        'supprime ce message', 'supprimez ce message', 'efface ce message', 'effacez ce message', 'supprime la conversation',
        'on passe sur whatsapp', 'passons sur whatsapp', 'passons sur signal', 'mon portable perso', 'mon numero perso', 'mon telephone personnel',
        'pas par ecrit', 'en dehors de cet outil',
      ],
      near: [
        { a: en('move'), b: 'whatsapp', within: 4 },
        { a: en('move'), b: 'signal', within: 4 },
        { a: en('switch'), b: 'whatsapp', within: 4 },
        { a: en('continue'), b: 'telegram', within: 4 },
        { a: en('delete'), b: en('message'), within: 3 },
        { a: fr('supprimer'), b: fr('message'), within: 3 },
        { a: fr('effacer'), b: fr('message'), within: 3 },
        { a: fr('passer'), b: 'whatsapp', within: 4 },
        { a: fr('continuer'), b: 'signal', within: 4 },
      ],
      none_of: ['signal processing', 'traitement du signal', 'signal to noise', 'delete message api'],
    },
  },
  guaranteed_returns: {
    name: 'Guaranteed returns and other FINRA red flags',
    description: 'Promises of returns without risk, inside information, secrecy about a trade (English and French); FINRA Rule 2210 forbids promissory statements.',
    severity: 'high',
    lexicon: {
      terms: [
        en('guaranteed return'), en('guaranteed profit'), en('risk free investment'), en('risk free return'), "can't lose", 'cannot lose',
        'double your money', en('inside information'), en('insider information'), en('insider tip'), 'before the announcement', 'keep this between us', 'off the books',
        fr('rendement garanti'), fr('profit garanti'), fr('placement sans risque'), fr('information privilégiée'), "délit d'initié", 'doubler votre argent', 'reste entre nous', 'avant l annonce',
      ],
      near: [
        { a: en('guarantee'), b: en('return'), within: 3 },
        { a: en('guarantee'), b: en('profit'), within: 3 },
        { a: fr('garantir'), b: fr('rendement'), within: 3 },
      ],
      none_of: ['not guaranteed', 'no guarantee', 'past performance', 'pas garanti', 'aucune garantie', 'performances passées'],
    },
  },
  threats_harassment: {
    name: 'Threats and harassment',
    description: 'Threats of violence and insults (English and French).',
    severity: 'high',
    lexicon: {
      terms: [
        'i will kill you', "i'll kill you", 'i am going to hurt you', 'watch your back', 'i know where you live', 'you will regret this', en('you will pay for this'),
        'shut up', 'idiot', 'moron', 'bitch', 'slut', 'retard', 'worthless',
        'je vais te tuer', 'je vais te faire mal', 'tu vas le regretter', 'je sais où tu habites', 'fais gaffe à toi', 'ferme ta gueule',
        'connard', 'connasse', 'salope', 'pétasse', 'abruti', 'enculé',
      ],
      near: [
        { a: en('kill'), b: 'yourself', within: 1 },
        { a: 'te', b: fr('tuer'), within: 1 },
      ],
      none_of: [],
    },
  },
};

export const DEFAULT_POLICY_TEMPLATES = Object.keys(DEFAULT_POLICIES);

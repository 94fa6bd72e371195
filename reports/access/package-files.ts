/**
 * Writes the files of an access package's data/: each table as JSON and CSV (GDPR
 * Art. 20: structured, machine-readable), the Art. 15(1) information and who the
 * package is about as JSON, a page for people (index.html, English and French), and
 * a plain-language README in English and in French explaining every file and field.
 * Output is a pure function of the inputs (keys in column order, rows as given).
 */
import { join } from 'node:path';
import { encode } from 'html-entities';
import { writeWholeFile } from '../exports/hashed-file.js';
import { csvField } from '../exports/formats/csv-row.js';
import type { BagPayloadFile } from '../packages/bag-writer.js';
import type { Art15Information } from './art15-information.js';
import type { PackageTable } from './package-tables.js';

export interface AboutSubject {
  request_id: string;
  tenant: string;
  received_at: string;
  due_at: string;
  as_of: string;
  identifiers: { user_ids: string[]; emails: string[]; display_names: string[] };
  sources: string[];
  context_window: number;
  other_people: number;
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('; ') : typeof v === 'object' ? JSON.stringify(v) : String(v));

function csvText(t: PackageTable): string {
  const lines = [t.columns.map((c) => csvField(c.key)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvField(cell(r[c.key]))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function ordered(t: PackageTable): Array<Record<string, unknown>> {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
}

const FIXED = {
  en: {
    title: 'Your data in the workplace chat archive',
    intro: (a: AboutSubject) => `This package answers your request ${a.request_id} (received ${a.received_at.slice(0, 10)}) for a copy of your personal data (GDPR Article 15). It holds everything the archive of workplace chat ("Custos") kept about you as of ${a.as_of}. Other people appear only as "Participant 1", "Participant 2" and so on: the same number is the same person everywhere in this package, and their names are replaced in texts, to protect their own rights. Messages of others appear only next to yours, so that yours can be understood (${a.context_window} before and after each of yours).`,
    files: 'The files',
    each: 'Each table is given twice: as a .json file and as a .csv file (which opens in a spreadsheet). Both hold the same information. The columns are:',
    other: [
      ['index.html', 'This explanation and all the tables, for reading in a web browser.'],
      ['information.json', 'Why your data is processed (purposes), which categories exist, who received it, how long it is kept, where it came from, and your rights: the information GDPR Article 15(1) gives you, computed from the live settings when this package was made.'],
      ['subject.json', 'Who this package is about: the identifiers, e-mail addresses and names you had, the request number and its dates.'],
      ['README.en.txt / README.fr.txt', 'This text, in English and in French.'],
      ['(around data/) bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt, custody.json, tagmanifest-sha256.txt.sig', 'Proof that nothing was changed after the package was made: checksums of every file, a record of who asked for it and when, and an electronic signature of the organisation. Anyone can check them ("custos package verify", or any BagIt tool).'],
    ],
    purposes: 'Why your data is processed', categories: 'What data exists about you', recipients: 'Who received it', retention: 'How long it is kept', sources: 'Where it came from', rights: 'Your rights', none: 'none',
  },
  fr: {
    title: 'Vos données dans l’archive de la messagerie professionnelle',
    intro: (a: AboutSubject) => `Ce paquet répond à votre demande ${a.request_id} (reçue le ${a.received_at.slice(0, 10)}) d’une copie de vos données personnelles (article 15 du RGPD). Il contient tout ce que l’archive de la messagerie professionnelle (« Custos ») conservait sur vous au ${a.as_of}. Les autres personnes n’apparaissent que sous la forme « Participant 1 », « Participant 2 », etc. : un même numéro désigne la même personne dans tout le paquet, et leurs noms sont remplacés dans les textes, pour protéger leurs propres droits. Les messages des autres n’apparaissent qu’à côté des vôtres, pour les rendre compréhensibles (${a.context_window} avant et après chacun des vôtres).`,
    files: 'Les fichiers',
    each: 'Chaque tableau est fourni deux fois : en fichier .json et en fichier .csv (qui s’ouvre dans un tableur). Les deux contiennent la même information. Les colonnes sont :',
    other: [
      ['index.html', 'Cette explication et tous les tableaux, à lire dans un navigateur web.'],
      ['information.json', 'Pourquoi vos données sont traitées (finalités), quelles catégories existent, qui les a reçues, combien de temps elles sont conservées, d’où elles viennent, et vos droits : les informations que vous donne l’article 15(1) du RGPD, calculées à partir des réglages en vigueur à la création de ce paquet.'],
      ['subject.json', 'La personne concernée : les identifiants, adresses e-mail et noms que vous avez eus, le numéro de la demande et ses dates.'],
      ['README.en.txt / README.fr.txt', 'Ce texte, en anglais et en français.'],
      ['(autour de data/) bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt, custody.json, tagmanifest-sha256.txt.sig', 'La preuve que rien n’a été modifié après la création du paquet : sommes de contrôle de chaque fichier, qui l’a demandé et quand, et une signature électronique de l’organisation. Chacun peut les vérifier (« custos package verify » ou tout outil BagIt).'],
    ],
    purposes: 'Pourquoi vos données sont traitées', categories: 'Quelles données existent sur vous', recipients: 'Qui les a reçues', retention: 'Combien de temps elles sont conservées', sources: 'D’où elles viennent', rights: 'Vos droits', none: 'aucun',
  },
} as const;

function readme(lang: 'en' | 'fr', tables: PackageTable[], about: AboutSubject, info: Art15Information): string {
  const f = FIXED[lang];
  const out = [f.title, '='.repeat(f.title.length), '', f.intro(about), '', f.files, '-'.repeat(f.files.length), '', f.each, ''];
  for (const t of tables) {
    out.push(`${t.name}.json / ${t.name}.csv: ${t.title[lang]} (${t.rows.length})`, `  ${t.about[lang]}`);
    for (const c of t.columns) out.push(`  - ${c.key}: ${c[lang]}`);
    out.push('');
  }
  for (const [name, what] of f.other) out.push(`${name}: ${what}`, '');
  out.push(f.purposes, ...info.purposes.map((p) => `  - ${p.purpose}: ${p.why}`), '');
  out.push(f.recipients, ...(info.recipients.length ? info.recipients.map((r) => `  - ${r.package_id} (${r.kind}), ${r.requested_by}, ${r.requested_at.slice(0, 10)}: ${r.messages_of_yours}`) : [`  - ${f.none}`]), '');
  out.push(f.rights, ...info.rights.map((r) => `  - ${r.right} (${r.article}): ${r.how}`), '');
  return out.join('\n');
}

function htmlTable(t: PackageTable): string {
  const head = t.columns.map((c) => `<th scope="col" title="${encode(`${c.en} / ${c.fr}`)}">${encode(c.key)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => `<td>${encode(cell(r[c.key]))}</td>`).join('')}</tr>`).join('\n');
  const legend = t.columns.map((c) => `<dt>${encode(c.key)}</dt><dd>${encode(c.en)}<br><span lang="fr">${encode(c.fr)}</span></dd>`).join('');
  return `<section id="${t.name}"><h2>${encode(t.title.en)} <span lang="fr">/ ${encode(t.title.fr)}</span> (${t.rows.length})</h2>
<p>${encode(t.about.en)}</p><p lang="fr">${encode(t.about.fr)}</p>
<details><summary>Columns / Colonnes</summary><dl>${legend}</dl></details>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></section>`;
}

function html(tables: PackageTable[], about: AboutSubject, info: Art15Information): string {
  const list = (xs: string[]) => (xs.length ? `<ul>${xs.map((x) => `<li>${encode(x)}</li>`).join('')}</ul>` : '<p>none / aucun</p>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${encode(FIXED.en.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.4}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}[lang=fr]{color:#444}</style></head>
<body><h1>${encode(FIXED.en.title)}</h1><p>${encode(FIXED.en.intro(about))}</p><p lang="fr">${encode(FIXED.fr.intro(about))}</p>
<h2>${encode(FIXED.en.purposes)} <span lang="fr">/ ${encode(FIXED.fr.purposes)}</span></h2>${list(info.purposes.map((p) => `${p.purpose}: ${p.why}`))}
<h2>${encode(FIXED.en.categories)} <span lang="fr">/ ${encode(FIXED.fr.categories)}</span></h2>${list(info.categories.map((c) => `${c.category}: ${c.records}`))}
<h2>${encode(FIXED.en.sources)} <span lang="fr">/ ${encode(FIXED.fr.sources)}</span></h2>${list(info.sources.map((s) => `${s.source} (${s.how}): ${s.records}`))}
<h2>${encode(FIXED.en.rights)} <span lang="fr">/ ${encode(FIXED.fr.rights)}</span></h2>${list(info.rights.map((r) => `${r.right} (${r.article}): ${r.how}`))}
${tables.map(htmlTable).join('\n')}
</body></html>
`;
}

/** Writes data/ under `bagDir` and returns the payload files for the bag writer. */
export function writeAccessFiles(bagDir: string, tables: PackageTable[], about: AboutSubject, info: Art15Information): BagPayloadFile[] {
  const files: BagPayloadFile[] = [];
  const put = (path: string, text: string, messages = 0) => files.push({ path, messages, ...writeWholeFile(join(bagDir, 'data', path), [text]) });
  for (const t of tables) {
    const n = t.name === 'messages' ? new Set(t.rows.map((r) => `${String(r.conversation_id)}/${String(r.message_id)}`)).size : 0;
    put(`${t.name}.json`, JSON.stringify({ file: t.name, title: t.title.en, rows: ordered(t) }, null, 2) + '\n', n);
    put(`${t.name}.csv`, csvText(t));
  }
  put('information.json', JSON.stringify(info, null, 2) + '\n');
  put('subject.json', JSON.stringify(about, null, 2) + '\n');
  put('README.en.txt', readme('en', tables, about, info));
  put('README.fr.txt', readme('fr', tables, about, info));
  put('index.html', html(tables, about, info));
  return files;
}

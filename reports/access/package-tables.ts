/**
 * The tables of an access package, with a plain-language explanation of every file
 * and field in English and French. The same definitions drive the CSV header, the
 * JSON, the HTML page and both READMEs, so a field cannot be written without being
 * explained. Rows here are already pseudonymized (access-job.ts builds them).
 */

export interface Column { key: string; en: string; fr: string }
export interface PackageTable {
  /** File stem: `<name>.json` and `<name>.csv`. */
  name: string;
  title: { en: string; fr: string };
  about: { en: string; fr: string };
  columns: Column[];
  rows: Array<Record<string, unknown>>;
}

const c = (key: string, en: string, fr: string): Column => ({ key, en, fr });
/** Records an earlier erasure could not remove because a legal hold keeps them (GDPR Art. 18 restriction). */
const RESTRICTED = c('restricted_by_holds',
  'Empty, unless you asked for erasure earlier and a legal hold kept this record: then the identifiers of the holds that keep it. Such a record is restricted: it is only stored, used for nothing but the legal case of the hold, and erased when the hold ends',
  'Vide, sauf si vous avez demandé l’effacement et qu’une conservation légale (legal hold) a gardé cet enregistrement : alors les identifiants des conservations qui le gardent. Un tel enregistrement est limité : il est seulement conservé, utilisé uniquement pour l’affaire de la conservation, et effacé quand elle prend fin');
const CONV = [
  c('conversation_id', 'Identifier of the conversation (channel, group or direct message)', 'Identifiant de la conversation (canal, groupe ou message direct)'),
  c('conversation_name', 'Name of the conversation when it has one', 'Nom de la conversation lorsqu’elle en a un'),
];

/** The definitions; `rows` is filled by the job. */
export function tableDefinitions(): Omit<PackageTable, 'rows'>[] {
  return [
    {
      name: 'messages', title: { en: 'Messages you wrote', fr: 'Messages que vous avez écrits' },
      about: { en: 'Every message you wrote, one line per version: the first text and each later edit.', fr: 'Chaque message que vous avez écrit, une ligne par version : le premier texte puis chaque modification.' },
      columns: [...CONV,
        c('message_id', 'Identifier of the message', 'Identifiant du message'),
        c('version', 'Version number: 1 is the message as first sent, 2 and more are edits', 'Numéro de version : 1 est le message tel qu’envoyé, 2 et plus sont des modifications'),
        c('kind', '"created" for the first version, "edited" for an edit', '« created » pour la première version, « edited » pour une modification'),
        c('time', 'When this version was sent or edited (UTC, ISO 8601)', 'Date et heure de cette version (UTC, ISO 8601)'),
        c('text', 'The text of this version; other people’s names are replaced by "Participant N"', 'Le texte de cette version ; les noms des autres personnes sont remplacés par « Participant N »'),
        c('mentions', 'People the message mentions, as "Participant N" (or your own id)', 'Personnes mentionnées, sous la forme « Participant N » (ou votre identifiant)'),
        c('attachments', 'Names and sizes of attached files (the files themselves are not archived)', 'Noms et tailles des fichiers joints (les fichiers eux-mêmes ne sont pas archivés)'),
        c('thread_id', 'The message this one replies to in a thread, if any', 'Le message auquel celui-ci répond dans un fil, le cas échéant'),
        c('deleted_at', 'When the message was deleted, if it was (it stays in the archive of record)', 'Date de suppression du message, s’il a été supprimé (il reste dans l’archive)'),
        c('reactions_received', 'Reactions others added or removed on the message (who, as "Participant N", and the emoji)', 'Réactions ajoutées ou retirées par d’autres sur le message (qui, sous la forme « Participant N », et l’emoji)'),
        c('source', 'The chat system the message came from', 'La messagerie dont provient le message'), RESTRICTED],
    },
    {
      name: 'mentions', title: { en: 'Messages that mention you', fr: 'Messages qui vous mentionnent' },
      about: { en: 'Messages written by other people that mention you, one line per version.', fr: 'Messages écrits par d’autres personnes qui vous mentionnent, une ligne par version.' },
      columns: [...CONV,
        c('message_id', 'Identifier of the message', 'Identifiant du message'),
        c('author', 'Who wrote it, as "Participant N"', 'Auteur, sous la forme « Participant N »'),
        c('version', 'Version number (1 = as first sent)', 'Numéro de version (1 = tel qu’envoyé)'),
        c('time', 'When this version was sent (UTC)', 'Date et heure de cette version (UTC)'),
        c('text', 'The text; other people’s names are replaced by "Participant N"', 'Le texte ; les noms des autres personnes sont remplacés par « Participant N »'), RESTRICTED],
    },
    {
      name: 'context', title: { en: 'Messages around yours (context)', fr: 'Messages autour des vôtres (contexte)' },
      about: { en: 'Messages of other people just before and after yours in the same conversation, so that your messages can be understood. They are included only as context; their authors are pseudonymized.', fr: 'Messages d’autres personnes juste avant et après les vôtres dans la même conversation, pour que vos messages soient compréhensibles. Ils ne sont inclus que comme contexte ; leurs auteurs sont pseudonymisés.' },
      columns: [...CONV,
        c('message_id', 'Identifier of the message', 'Identifiant du message'),
        c('author', 'Who wrote it, as "Participant N"', 'Auteur, sous la forme « Participant N »'),
        c('time', 'When it was sent (UTC)', 'Date et heure d’envoi (UTC)'),
        c('text', 'Its latest text, with people’s names replaced by "Participant N"', 'Son dernier texte, les noms remplacés par « Participant N »')],
    },
    {
      name: 'reactions', title: { en: 'Your reactions', fr: 'Vos réactions' },
      about: { en: 'Emoji reactions you added to or removed from messages.', fr: 'Réactions (emoji) que vous avez ajoutées ou retirées sur des messages.' },
      columns: [...CONV,
        c('message_id', 'The message you reacted to', 'Le message auquel vous avez réagi'),
        c('time', 'When (UTC)', 'Quand (UTC)'),
        c('action', '"added" or "removed"', '« added » (ajoutée) ou « removed » (retirée)'),
        c('emoji', 'The emoji', 'L’emoji'),
        c('source', 'The chat system', 'La messagerie')],
    },
    {
      name: 'calls', title: { en: 'Calls you took part in', fr: 'Appels auxquels vous avez participé' },
      about: { en: 'Audio or video calls and screen shares you started or joined. The content of calls is not recorded, only that they happened.', fr: 'Appels audio, vidéo ou partages d’écran que vous avez lancés ou rejoints. Le contenu des appels n’est pas enregistré, seulement leur existence.' },
      columns: [...CONV,
        c('call_id', 'Identifier of the call', 'Identifiant de l’appel'),
        c('kind', 'audio, video or screen_share', 'audio, vidéo ou partage d’écran'),
        c('initiator', 'Who started it (your id, or "Participant N")', 'Qui l’a lancé (votre identifiant ou « Participant N »)'),
        c('participants', 'Who took part', 'Qui y a participé'),
        c('started_at', 'When it started (UTC)', 'Début (UTC)'),
        c('ended_at', 'When it ended (UTC)', 'Fin (UTC)'),
        c('duration_s', 'Length in seconds', 'Durée en secondes'), RESTRICTED],
    },
    {
      name: 'app_invocations', title: { en: 'Apps you used', fr: 'Applications que vous avez utilisées' },
      about: { en: 'Commands you gave to apps or bots in the chat.', fr: 'Commandes que vous avez données à des applications ou robots dans la messagerie.' },
      columns: [...CONV,
        c('time', 'When (UTC)', 'Quand (UTC)'),
        c('app_id', 'The app', 'L’application'),
        c('command', 'The command you typed', 'La commande saisie'), RESTRICTED],
    },
    {
      name: 'memberships', title: { en: 'Your conversation memberships', fr: 'Vos appartenances aux conversations' },
      about: { en: 'Every time you joined or left a conversation; the last line for a conversation says whether you are in it now.', fr: 'Chaque entrée ou sortie d’une conversation ; la dernière ligne d’une conversation indique si vous en êtes membre aujourd’hui.' },
      columns: [...CONV,
        c('time', 'When (UTC)', 'Quand (UTC)'),
        c('action', '"joined" or "left"', '« joined » (entrée) ou « left » (sortie)'),
        c('by', 'Who added or removed you (your id when you did it yourself)', 'Qui vous a ajouté ou retiré (votre identifiant si c’était vous)')],
    },
    {
      name: 'admin_events', title: { en: 'Administrative events about you', fr: 'Événements administratifs vous concernant' },
      about: { en: 'Changes to your account (creation, name or e-mail changes, role changes, deactivation), your sign-ins, and administrative actions you took.', fr: 'Modifications de votre compte (création, changements de nom ou d’adresse, de rôle, désactivation), vos connexions, et les actions administratives que vous avez faites.' },
      columns: [
        c('time', 'When (UTC)', 'Quand (UTC)'),
        c('type', 'What happened (for example user.updated, auth.login, member.joined)', 'Ce qui s’est passé (par exemple user.updated, auth.login, member.joined)'),
        c('user', 'The account concerned (your id, or "Participant N")', 'Le compte concerné (votre identifiant ou « Participant N »)'),
        c('by', 'Who did it (your id, or "Participant N")', 'Qui l’a fait (votre identifiant ou « Participant N »)'),
        c('conversation_id', 'The conversation concerned, if any', 'La conversation concernée, le cas échéant'),
        c('details', 'The details the chat system recorded (JSON), other people pseudonymized', 'Les détails enregistrés par la messagerie (JSON), autres personnes pseudonymisées'),
        c('source', 'The chat system', 'La messagerie')],
    },
    {
      name: 'supervision_flags', title: { en: 'Compliance flags about your messages', fr: 'Signalements de conformité sur vos messages' },
      about: { en: 'Messages of yours that an automatic communication-compliance policy flagged for review, and what the reviewer decided.', fr: 'Vos messages qu’une règle automatique de conformité a signalés pour examen, et la décision de l’examinateur.' },
      columns: [...CONV.slice(0, 1),
        c('message_id', 'The flagged message', 'Le message signalé'),
        c('message_time', 'When the message was sent (UTC)', 'Date du message (UTC)'),
        c('policy', 'The name of the policy that flagged it', 'Le nom de la règle qui l’a signalé'),
        c('severity', 'low, medium or high', 'faible (low), moyenne (medium) ou élevée (high)'),
        c('flagged_at', 'When it was flagged (UTC)', 'Date du signalement (UTC)'),
        c('state', 'pending, resolved, false_positive or escalated', 'en attente (pending), traité (resolved), faux positif (false_positive) ou transmis (escalated)'),
        c('tag', 'The reviewer’s conclusion, if any', 'La conclusion de l’examinateur, le cas échéant'),
        c('comment', 'The reviewer’s comment, other people pseudonymized', 'Le commentaire de l’examinateur, autres personnes pseudonymisées')],
    },
    {
      name: 'custos_audit', title: { en: 'Who looked at your data in Custos', fr: 'Qui a consulté vos données dans Custos' },
      about: { en: 'Entries of Custos’ own audit log for searches, views and exports whose parameters named you, or named an export package that held your data (its download); staff are shown by role.', fr: 'Entrées du journal d’audit de Custos pour les recherches, consultations et exports dont les paramètres vous désignaient, ou désignaient un paquet d’export contenant vos données (son téléchargement) ; le personnel est indiqué par son rôle.' },
      columns: [
        c('time', 'When (UTC)', 'Quand (UTC)'),
        c('action', 'What was done (for example messages.search, exports.create)', 'Ce qui a été fait (par exemple messages.search, exports.create)'),
        c('roles', 'The roles of the person who did it', 'Les rôles de la personne qui l’a fait'),
        c('outcome', 'Whether it was allowed', 'Si l’action a été autorisée'),
        c('result_count', 'How many records the answer held', 'Nombre d’enregistrements dans la réponse'),
        c('parameters', 'What was asked (JSON), other people pseudonymized', 'Ce qui a été demandé (JSON), autres personnes pseudonymisées')],
    },
    {
      name: 'recipients', title: { en: 'Who received your data', fr: 'Qui a reçu vos données' },
      about: { en: 'Every export package (for example for a legal case) whose content included messages you wrote or that mention you.', fr: 'Chaque paquet d’export (par exemple pour une procédure) dont le contenu incluait des messages écrits par vous ou vous mentionnant.' },
      columns: [
        c('package_id', 'Identifier of the package', 'Identifiant du paquet'),
        c('kind', 'What kind of package', 'Type de paquet'),
        c('requested_by', 'Who asked for it', 'Qui l’a demandé'),
        c('requested_at', 'When it was asked for (UTC)', 'Date de la demande (UTC)'),
        c('delivered_at', 'When it was ready (UTC)', 'Date de mise à disposition (UTC)'),
        c('messages_of_yours', 'How many of your messages (or messages mentioning you) it held', 'Combien de vos messages (ou vous mentionnant) il contenait')],
    },
    {
      name: 'retention', title: { en: 'How long your data is kept', fr: 'Durée de conservation de vos données' },
      about: { en: 'The retention period of each category of your data under the policy in force when this package was made.', fr: 'La durée de conservation de chaque catégorie de vos données selon la règle en vigueur à la création de ce paquet.' },
      columns: [
        c('category', 'The category of data (the file of this package)', 'La catégorie de données (le fichier de ce paquet)'),
        c('rule', 'What happens to it', 'Ce qu’il en advient'),
        c('applies_to', 'Where the rule applies', 'Où la règle s’applique')],
    },
  ];
}

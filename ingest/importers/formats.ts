/** The importer of each format. */
import { importSlack } from './slack.js';
import { importChatlog } from './chatlog.js';
import { importEvents } from './events.js';
import { importMattermost } from './mattermost.js';
import { importTeams } from './teams.js';
import type { ImportFormat, Importer } from './types.js';

const importers: Record<ImportFormat, Importer> = {
  slack: importSlack,
  mattermost: importMattermost,
  teams: importTeams,
  chatlog: importChatlog,
  events: importEvents,
};

export function importerFor(format: ImportFormat): Importer {
  return importers[format];
}

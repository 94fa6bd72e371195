/** pino logger; secrets are redacted by path so a config dump or request log never carries them. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'custos'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['password', '*.password', 'clientSecret', '*.clientSecret', 'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'encryption', '*.encryption', '*.*.encryption'],
      censor: '[redacted]',
    },
  }, pino.destination({ dest: 2, sync: false }));
}

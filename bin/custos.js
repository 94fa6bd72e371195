#!/usr/bin/env node
// Entry point of the `custos` command; the TypeScript sources are compiled to dist/ by `npm install` (prepare).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('custos: not built yet: run `npm install` (or `npm run build`) in the project folder\n');
  } else {
    process.stderr.write(`custos: ${err && err.message ? err.message : err}\n`);
  }
  process.exit(1);
});

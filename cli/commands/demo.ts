import type { Command } from 'commander';
export function registerDemo(program: Command): void {
  program.command('demo').description('fill the embedded store with a realistic sample company').action(async () => {
    throw new Error('demo: not built yet');
  });
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('ormconfig.ts for the TypeORM CLI', () => {
  it('loads the built DataSource and runs the migrations it lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatgate-cli-'));
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` };
    const typeorm = (command: string) =>
      execFileSync(process.execPath, ['node_modules/typeorm/cli.js', '-d', 'dist/ormconfig.js', command], {
        env,
        encoding: 'utf8',
      });
    try {
      expect(typeorm('migration:show')).toContain('[ ] Init1763780000000');
      expect(typeorm('migration:run')).toContain('Migration Init1763780000000 has been executed successfully.');
      expect(typeorm('migration:show')).toContain('[X] 1 Init1763780000000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads .env in the working directory, as the server does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatgate-cli-env-'));
    writeFileSync(join(dir, '.env'), `DATABASE_URL=sqlite:${join(dir, 'from-dotenv.sqlite')}\n`);
    try {
      const output = execFileSync(
        process.execPath,
        [resolve('node_modules/typeorm/cli.js'), '-d', resolve('dist/ormconfig.js'), 'migration:run'],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '' },
          encoding: 'utf8',
        },
      );
      expect(output).toContain('Migration Init1763780000000 has been executed successfully.');
      expect(existsSync(join(dir, 'from-dotenv.sqlite'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

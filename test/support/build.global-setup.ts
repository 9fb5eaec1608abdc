import { execFileSync } from 'node:child_process';

/** Tests that run the server as its own process need the current code built. */
export default function buildOnce(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}

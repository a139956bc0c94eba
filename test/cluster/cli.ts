// Start and stop the local control plane by hand:
//   node test/cluster/cli.ts build            build the binaries into the cache (or find them)
//   node test/cluster/cli.ts up               start it in the background, print how to use it
//   node test/cluster/cli.ts status           say whether it runs, and where
//   node test/cluster/cli.ts env              print `export KUBECONFIG=... PATH=...` lines
//   node test/cluster/cli.ts mint-user NAME [GROUP...]   print the kubeconfig path of a new user
//   node test/cluster/cli.ts down             stop it and remove its folder
// npm scripts: cluster:build, cluster:up, cluster:down.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import {
  buildScript,
  isRunning,
  manualClusterDir,
  mintUser,
  readState,
  startCluster,
  stopCluster,
  type ClusterState,
} from './cluster.ts';

function usage(): never {
  process.stderr.write('usage: node test/cluster/cli.ts build|up|status|env|mint-user NAME [GROUP...]|down\n');
  process.exit(2);
}

function running(): ClusterState | undefined {
  const state = readState(manualClusterDir());
  return state && isRunning(state) ? state : undefined;
}

function exportLines(state: ClusterState): string {
  return `export KUBECONFIG=${state.kubeconfig}\nexport PATH=${state.binDir}:$PATH\n`;
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  const dir = manualClusterDir();
  switch (cmd) {
    case 'build': {
      execFileSync('bash', [buildScript], { stdio: 'inherit' });
      return;
    }
    case 'up': {
      const existing = running();
      if (existing) {
        process.stdout.write(`already running (${existing.server}); stop it with: npm run cluster:down\n\n${exportLines(existing)}`);
        return;
      }
      const stale = readState(dir);
      if (stale) await stopCluster(stale);
      fs.rmSync(dir, { recursive: true, force: true });
      // Detached: it keeps running after this command returns (an interrupted start cleans up).
      const state = await startCluster({ dir, detach: true });
      process.stdout.write(
        [
          `control plane up in ${state.startSeconds}s: ${state.server}`,
          `folder:     ${state.dir} (logs in logs/, state in state.json)`,
          `kubeconfig: ${state.kubeconfig} (admin: CN=admin, O=system:masters)`,
          '',
          'use it from this shell:',
          exportLines(state),
          'add a user:  node test/cluster/cli.ts mint-user NAME [GROUP...]   (prints its kubeconfig path)',
          'stop it:     npm run cluster:down',
          '',
        ].join('\n'),
      );
      return;
    }
    case 'status': {
      const state = running();
      if (!state) {
        process.stdout.write('not running\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`running: ${state.server}\nkubeconfig: ${state.kubeconfig}\npids: ${JSON.stringify(state.pids)}\n`);
      return;
    }
    case 'env': {
      const state = running();
      if (!state) throw new Error('not running; start it with: npm run cluster:up');
      process.stdout.write(exportLines(state));
      return;
    }
    case 'mint-user': {
      const [name, ...groups] = rest;
      if (!name) usage();
      const state = running();
      if (!state) throw new Error('not running; start it with: npm run cluster:up');
      process.stdout.write(`${mintUser(state, name, groups)}\n`);
      return;
    }
    case 'down': {
      const state = readState(dir);
      if (!state) {
        fs.rmSync(dir, { recursive: true, force: true });
        process.stdout.write('not running\n');
        return;
      }
      await stopCluster(state);
      process.stdout.write('stopped\n');
      return;
    }
    default:
      usage();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

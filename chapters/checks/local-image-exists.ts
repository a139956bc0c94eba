// The image was built on the learner's machine: `<cli> image inspect <image>` succeeds. Only
// reads, and only with container tools we know.
import { defineCheck } from 'hero-journey/check';

const CLIS = ['docker', 'nerdctl', 'nerdctl.lima', 'podman'];

export default defineCheck<{ cli?: string; image?: string }>({
  id: 'local-image-exists',
  title: "Hero's image exists on your machine",
  reads: [],
  async run({ args, exec, helpers }) {
    const cli = String(args.cli ?? '').trim();
    const image = String(args.image ?? '').trim();
    if (!image) return helpers.fail('the argument `image` is empty: there is no image name to look for');
    if (!CLIS.includes(cli)) return helpers.fail(`the container tool "${cli}" is not one of ${CLIS.join(', ')}, so the check does not run it`);
    const result = await exec(cli, ['image', 'inspect', image], { timeoutSeconds: 20 });
    if (result.exitCode === 127) return helpers.fail(`${cli} is not on your PATH`);
    if (result.exitCode !== 0) {
      const tail = result.stderr.trim().split('\n').slice(-3).join('\n');
      return helpers.fail(`no image ${image} in ${cli}`, { ...(tail ? { details: tail } : {}) });
    }
    let platform = '';
    try {
      const [info] = JSON.parse(result.stdout) as Array<{ Architecture?: string; Os?: string }>;
      if (info?.Os || info?.Architecture) platform = `${info.Os ?? '?'}/${info.Architecture ?? '?'}`;
    } catch {
      /* the platform is a detail */
    }
    return helpers.pass(`${cli} has ${image}${platform ? ` (${platform})` : ''}`);
  },
});

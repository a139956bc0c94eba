import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseChapter } from '../../../src/journey/chapter.ts';
import { analyzeJourney } from '../../../src/journey/load.ts';
import { formatProblem } from '../../../src/journey/problems.ts';
import { lintStepCode, stepProblems } from '../../../src/journey/step-rules.ts';

/** The first words of each finding's message, with its 0-based line: enough to tell the rules apart. */
function findings(code: string): string[] {
  return lintStepCode(code).map((finding) => `${finding.line}: ${finding.message.split(':')[0]}`);
}

describe('unpinned Helm charts', () => {
  it.each([
    ['helm install traefik traefik/traefik'],
    ['helm upgrade --install traefik traefik/traefik --namespace traefik --create-namespace --wait'],
    ['helm upgrade --install cnpg cnpg/cloudnative-pg \\\n  --namespace cnpg-system --values values.yaml'],
    ['helm install --generate-name bitnami/nginx'],
    ['helm upgrade -i -n x --set a=b hero-db cnpg/cluster'],
    ['helm install app oci://registry.example.com/charts/app'],
    ['if true; then helm install x repo/chart; fi'],
  ])('warns on %j', (code) => {
    expect(lintStepCode(code).map((finding) => finding.message)).toEqual([expect.stringMatching(/^`helm (install|upgrade)` of `.+` has no `--version`.*pin it/)]);
  });

  it.each([
    ['helm upgrade --install traefik traefik/traefik --version 37.1.2'],
    ['helm install traefik traefik/traefik --version=37.1.2'],
    ['helm upgrade --install hero ./helm --namespace dev'],
    ['helm upgrade --install hero helm/ --namespace dev --values dragonfly/values.yaml --version 1.0.0'],
    ['helm install hero /charts/hero'],
    ['helm install hero hero-0.1.0.tgz'],
    ['helm install app oci://registry.example.com/charts/app:1.2.3'],
    ['helm install app "$CHART"'],
    ['helm template hero traefik/traefik'],
    ['telepresence helm install'],
    ['helm repo add traefik https://traefik.github.io/charts'],
  ])('accepts %j', (code) => {
    expect(lintStepCode(code)).toEqual([]);
  });

  it('does not take the value of --values or --namespace for the chart', () => {
    expect(lintStepCode('helm upgrade --install dragonfly --values dragonfly/values.yaml -n x ./chart')).toEqual([]);
  });
});

describe('network commands without a time limit', () => {
  it.each([
    ['curl -sS "$APP_URL/healthz"', /^`curl` without `--max-time`: against/],
    ['curl --connect-timeout 5 http://example.com/', /^`curl` without `--max-time` \(`--connect-timeout` only limits the connection/],
    ['wget -qO- http://example.com/', /^`wget` without `--timeout`/],
    ['kubectl wait --for=condition=Ready pod/x', /^`kubectl wait` without `--timeout`/],
    ['kubectl -n dev wait deploy/hero --for=condition=Available', /^`kubectl wait` without `--timeout`/],
    ['kubectl rollout status deployment/hero -n dev', /^`kubectl rollout status` without `--timeout`/],
    ['kubectl delete namespace harbor --ignore-not-found', /^`kubectl delete namespace` without `--timeout`/],
    ['kubectl -n x delete ns/harbor', /^`kubectl delete namespace` without `--timeout`/],
    ['code=$(curl -sS -o /dev/null -w "%{http_code}" "$URL")', /^`curl` without/],
    ['echo "answer: $(curl -s "$URL")"', /^`curl` without/],
    ['x=`curl -s "$URL"`', /^`curl` without/],
    ['/usr/bin/curl http://example.com/', /^`curl` without/],
  ])('warns on %j', (code, message) => {
    expect(lintStepCode(code).map((finding) => finding.message)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['curl -sS --max-time 20 "$APP_URL/healthz"'],
    ['curl -sS --connect-timeout 5 --max-time=20 "$APP_URL/healthz"'],
    ['curl -sS -m 20 "$APP_URL/healthz"'],
    ['curl -sSm20 "$APP_URL/healthz"'],
    ['wget --timeout=20 -qO- http://example.com/'],
    ['wget -T 20 -qO- http://example.com/'],
    ['kubectl wait --for=condition=Ready pod/x --timeout=5m'],
    ['kubectl rollout status deployment/hero --timeout 5m'],
    ['kubectl get pods'],
    ['kubectl delete namespace harbor --wait --timeout=5m'],
    ['kubectl delete namespace harbor --wait=false'],
    ['kubectl delete deployment hero -n dev'],
    ['echo curl is a fine tool'],
    ["kubectl exec x -- sh -c 'curl http://y'"],
  ])('accepts %j', (code) => {
    expect(lintStepCode(code)).toEqual([]);
  });
});

describe('image builds without --platform', () => {
  it.each([
    ['docker build -t hero app'],
    ['docker buildx build -t hero app'],
    ['podman image build -t hero app'],
    ['nerdctl.lima build -t hero app'],
    ['pack build hero --path app --builder paketobuildpacks/builder-jammy-tiny'],
  ])('warns on %j', (code) => {
    expect(lintStepCode(code).map((finding) => finding.message)).toEqual([expect.stringMatching(/without `--platform` builds for this machine's CPU/)]);
  });

  it.each([
    ['docker build --platform "linux/${CLUSTER_ARCH}" -t hero app'],
    ['nerdctl.lima build --platform=linux/arm64 -t hero app'],
    ['pack build hero --path app --platform "linux/$CLUSTER_ARCH"'],
    ['docker image ls hero'],
    ['docker push hero'],
    ['echo docker build'],
  ])('accepts %j', (code) => {
    expect(lintStepCode(code)).toEqual([]);
  });
});

describe('early-exit readers in pipes', () => {
  it.each([
    ['kbld version | head -n 1', /^`kbld \.\.\. \| head` can fail with SIGPIPE.*`\| sed -n 1p`/],
    ['service=$(kubectl get services -o name | head -n 1)', /^`kubectl \.\.\. \| head`/],
    ['if curl -sS --max-time 5 "$URL" | grep -q quests; then echo yes; fi', /^`curl \.\.\. \| grep -q`.*>\/dev\/null/],
    ['kubectl get pods | grep -m1 hero', /^`kubectl \.\.\. \| grep -q`/],
    ["getent ahostsv4 \"$name\" | awk '{print $1; exit}'", /^`getent \.\.\. \| awk '\.\.\.exit'`.*NR == 1/],
    ['kubectl logs x | sed 1q', /^`kubectl \.\.\. \| sed '\.\.\.q'`/],
    ["kubectl logs x | sed -n '/ready/{p;q}'", /^`kubectl \.\.\. \| sed '\.\.\.q'`/],
    ['kubectl logs x |& head', /^`kubectl \.\.\. \| head`/],
  ])('warns on %j', (code, message) => {
    expect(lintStepCode(code).map((finding) => finding.message)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['kbld version | sed -n 1p'],
    ['kubectl get pods | grep hero'],
    ['kubectl get pods | grep hero >/dev/null'],
    ["getent ahostsv4 \"$name\" | awk 'NR == 1 { print $1 }'"],
    ['kubectl get pods || head -n 1 file'],
    ['kubectl get pods; head -n 1 file'],
    ['head -n 1 file | wc -l'],
    ["kubectl logs x | sed -n 's/quota/q/p'"],
    ['set +o pipefail\nkbld version | head -n 1'],
  ])('accepts %j', (code) => {
    expect(lintStepCode(code)).toEqual([]);
  });
});

describe('lintStepCode', () => {
  it('gives each finding the line of its command, inside substitutions and continued lines too', () => {
    const code = [
      'echo start', // 0
      'helm upgrade --install traefik traefik/traefik \\', // 1
      '  --wait', // 2
      'x=$(', // 3
      '  kubectl get svc -o name | head -n 1)', // 4
      'curl "$URL"', // 5
    ].join('\n');
    expect(findings(code)).toEqual([
      '1: `helm upgrade` of `traefik/traefik` has no `--version`',
      '4: `kubectl ... | head` can fail with SIGPIPE',
      '5: `curl` without `--max-time`',
    ]);
  });
});

describe('stepProblems', () => {
  it('reports warnings at the chapter file line, naming the step', () => {
    const text = ['---', 'title: One', '---', '', '# One', '', '```bash title="Ask"', 'echo hi', 'curl http://x/', '```', ''].join('\n');
    const { chapter } = parseChapter(text, 'one.md');
    expect(stepProblems([chapter!])).toEqual([
      { loc: { file: 'one.md', line: 9 }, severity: 'warning', message: expect.stringMatching(/^`curl` without `--max-time`.*\(step `Ask`\)$/) },
    ]);
  });
});

describe('the journeys hero-journey ships', () => {
  it.each(['chapters', 'templates/journey'])('%s: no step warnings', async (dir) => {
    // The template journey's id is a placeholder that `hero-journey new` fills: analyze, do not load.
    const { journey } = await analyzeJourney(fileURLToPath(new URL(`../../../${dir}`, import.meta.url)));
    expect(stepProblems(journey!.chapters.values()).map(formatProblem)).toEqual([]);
  });
});

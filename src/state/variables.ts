// Which names may become environment variables of the learner's steps and checks. Values come
// from outside the journey's own code too (a progress mirror, --set, an --answers file, a
// progress file), and some names change what a program does rather than what it reads:
// BASH_ENV and ENV run a file when bash starts, BASH_FUNC_x%% replaces a command, LD_PRELOAD loads
// a library into every program, PATH picks which kubectl runs, KUBECONFIG which cluster it
// talks to. Those names are never taken from outside, and never carried from one step to the next.

/** A name a shell variable can have. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names that change how bash, the dynamic loader, kubectl, helm and their friends behave. */
const DENIED = new Set([
  'BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'SHELLOPTS', 'BASHOPTS', 'IFS', 'CDPATH', 'GLOBIGNORE', 'FIGNORE',
  'HISTFILE', 'INPUTRC', 'TMOUT', 'POSIXLY_CORRECT', 'EXECIGNORE', 'SHELL', 'PATH', 'HOME', 'PWD', 'OLDPWD', 'SHLVL', 'TMPDIR', 'USER', 'LOGNAME',
  'KUBECONFIG', 'KUBERC', 'KUBECACHEDIR', 'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'BROWSER', 'TERM', 'TERMINFO',
  'GCONV_PATH', 'GLIBC_TUNABLES', 'HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS', 'MALLOC_CHECK_', 'MALLOC_PERTURB_',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'CURL_HOME', 'WGETRC', 'OPENSSL_CONF', 'OPENSSL_ENGINES',
  'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy',
  'SSH_ASKPASS', 'SSH_AUTH_SOCK', 'GNUPGHOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'CONTAINER_HOST', 'CONTAINERS_CONF',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_DIRS', 'XDG_DATA_DIRS',
  'NO_COLOR', 'FORCE_COLOR',
]);

/** Prefixes of the same: bash's own and its exported functions, the loaders, tools' configuration. */
const DENIED_PREFIXES = [
  'BASH_', 'LD_', 'DYLD_', 'KUBECTL_', 'HELM_', 'GIT_', 'NODE_', 'NPM_CONFIG_', 'npm_config_', 'PYTHON', 'PERL', 'RUBY', 'GEM_', 'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'LUA_', 'TCL', 'GOFLAGS', 'GOPROXY', 'CGO_', 'HERO_JOURNEY', '__hero_journey',
];

/** Whether `name` is a name a shell variable can have (letters, digits and _, not starting with a digit). */
export function isVariableName(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * Why `name` may not become a variable of the learner's steps and checks, or undefined when it may.
 * One sentence, to follow "NAME is refused:".
 */
export function variableNameRefusal(name: string): string | undefined {
  if (!isVariableName(name)) return 'it is not a shell variable name (letters, digits and _, not starting with a digit)';
  if (DENIED.has(name) || DENIED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return 'it changes how the shell, the system or kubectl and helm behave, so hero-journey never takes it from outside your own shell';
  }
  return undefined;
}

/** The variables steps and checks may see: those whose names are allowed. */
export function stepVariables(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([name]) => variableNameRefusal(name) === undefined));
}

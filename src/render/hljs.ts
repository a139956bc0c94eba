// highlight.js with the languages Kubernetes chapters use, registered once. The build bundles it into
// one file (scripts/bundle-libs.ts) instead of the package's CommonJS file per language.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import makefile from 'highlight.js/lib/languages/makefile';
import python from 'highlight.js/lib/languages/python';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Only the languages Kubernetes chapters use: the full highlight.js bundle (which
// cli-highlight loads) costs ~140 ms at startup, these ~20 ms.
const languages = {
  bash,
  diff,
  dockerfile,
  go,
  ini,
  javascript,
  json,
  makefile,
  python,
  shell,
  typescript,
  xml,
  yaml,
};
for (const [name, definition] of Object.entries(languages)) {
  if (!hljs.getLanguage(name)) hljs.registerLanguage(name, definition);
}
// Info strings authors write that the grammars above do not alias themselves.
hljs.registerAliases(['toml'], { languageName: 'ini' });

export default hljs;

// Secret values never reach the screen, even when a step prints one in pieces: output arrives in
// chunks of any size, so the end of a chunk that could be the start of a secret is held back
// until the next chunk (or the end of the output) says what it is.

export const SECRET_MASK = '••••••';
/** Shorter secrets are left alone: masking them would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Masks secrets in one stream of text that arrives in chunks. */
export interface SecretMasker {
  /** The text that is safe to show now. */
  push(text: string): string;
  /** What was held back, masked: the output ended. */
  flush(): string;
}

/** Replace every occurrence of every secret in `text` (the longest first, so one that contains another is masked whole). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of maskable(secrets)) out = out.split(secret).join(SECRET_MASK);
  return out;
}

/** A masker for one stream of output. */
export function createSecretMasker(secrets: readonly string[]): SecretMasker {
  const list = maskable(secrets);
  let pending = '';
  return {
    push(text) {
      if (list.length === 0) return text;
      const masked = maskSecrets(pending + text, list);
      const keep = heldBack(masked, list);
      pending = masked.slice(masked.length - keep);
      return masked.slice(0, masked.length - keep);
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest;
    },
  };
}

/** How many characters at the end of `text` could be the beginning of a secret. */
function heldBack(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(secret.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

function maskable(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

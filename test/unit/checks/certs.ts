// Real X.509 certificates for tests, made with node:crypto alone (no openssl on the test
// machine): a tiny DER writer for the few fields a TLS certificate needs, signed with ECDSA P-256.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  key: KeyObject;
  subject: string;
}

export interface CertificateOptions {
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Sign with this CA; without it the certificate is a self-signed CA. */
  issuer?: TestCertificate;
  /** Use this key pair instead of a new one (to make a mismatched key, pass another certificate's). */
  key?: { privateKey: KeyObject; publicKey: KeyObject };
  /** Serial number bytes (unsigned, big-endian); random when not given. */
  serial?: Buffer;
}

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let n = part;
    do {
      chunk.unshift(n & 0x7f);
      n >>= 7;
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A DER INTEGER from unsigned big-endian bytes: minimal (no redundant leading zeros) and positive. */
export function derInteger(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const bytes = value.subarray(start);
  return der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
}

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/** Make a certificate (and its key) as PEM. */
export function makeCertificate(options: CertificateOptions): TestCertificate {
  const keys = options.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 30 * 86_400_000);
  const isCa = !options.issuer;
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const extensions: Buffer[] = [];
  const sans = [
    ...(options.dnsNames ?? []).map((d) => der(0x82, Buffer.from(d))),
    ...(options.ipAddresses ?? []).map((ip) => der(0x87, ipBytes(ip))),
  ];
  if (sans.length > 0) extensions.push(seq(oid('2.5.29.17'), der(0x04, seq(...sans))));
  extensions.push(seq(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, isCa ? seq(der(0x01, Buffer.from([0xff]))) : seq())));
  // keyUsage: CA → keyCertSign + cRLSign; leaf → digitalSignature.
  extensions.push(seq(oid('2.5.29.15'), der(0x01, Buffer.from([0xff])), der(0x04, isCa ? der(0x03, Buffer.from([0x01, 0x06])) : der(0x03, Buffer.from([0x07, 0x80])))));
  const keyId = createHash('sha1').update(spki).digest();
  extensions.push(seq(oid('2.5.29.14'), der(0x04, der(0x04, keyId))));
  const serial = options.serial ?? createHash('sha256').update(`${options.commonName}${Math.random()}`).digest().subarray(0, 8);
  const issuerName = name(options.issuer?.subject ?? options.commonName);
  const tbs = seq(
    der(0xa0, derInteger(Buffer.from([2]))),
    derInteger(serial),
    ECDSA_SHA256,
    issuerName,
    seq(time(notBefore), time(notAfter)),
    name(options.commonName),
    spki,
    der(0xa3, seq(...extensions)),
  );
  const signingKey = options.issuer?.key ?? keys.privateKey;
  const signature = sign('sha256', tbs, signingKey);
  const cert = seq(tbs, ECDSA_SHA256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    key: keys.privateKey,
    subject: options.commonName,
  };
}

/** A CA and a leaf signed by it, for `hosts`. */
export function makeServerCertificate(hosts: string[], options: Partial<CertificateOptions> = {}): { ca: TestCertificate; leaf: TestCertificate } {
  const ca = makeCertificate({ commonName: 'hero-journey test CA' });
  const leaf = makeCertificate({
    commonName: hosts[0] ?? 'localhost',
    dnsNames: hosts.filter((h) => !/^\d+\.\d+\.\d+\.\d+$/.test(h)),
    ipAddresses: hosts.filter((h) => /^\d+\.\d+\.\d+\.\d+$/.test(h)),
    ...options,
    issuer: ca,
  });
  return { ca, leaf };
}

// The test certificate maker must write DER that every parser accepts, whatever its random
// serial number turned out to be: a serial starting with 0x00 once made OpenSSL refuse a
// certificate ("illegal padding") in one run out of ~256.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derInteger, makeCertificate } from './certs.ts';

describe('derInteger', () => {
  it.each([
    ['01', '020101'],
    ['7f', '02017f'],
    ['80', '02020080'],
    ['0001', '020101'],
    ['000080', '02020080'],
    ['0000', '020100'],
  ])('encodes %s minimally and positive as %s', (input, expected) => {
    expect(derInteger(Buffer.from(input, 'hex')).toString('hex')).toBe(expected);
  });
});

describe('makeCertificate', () => {
  it.each(['00017a2b3c4d5e6f', '0000ff0000000001', '80ffffffffffffff', '7fffffffffffffff'])('writes a certificate OpenSSL parses for serial %s', (serial) => {
    const cert = makeCertificate({ commonName: 'hero.example.com', dnsNames: ['hero.example.com'], serial: Buffer.from(serial, 'hex') });
    const parsed = new X509Certificate(cert.certPem);
    expect(parsed.subject).toBe('CN=hero.example.com');
    expect(parsed.serialNumber.toLowerCase()).toBe(serial.replace(/^(00)+/, ''));
  });
});

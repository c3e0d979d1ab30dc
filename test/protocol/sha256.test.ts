import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256 } from '../../protocol/sha256.ts';
import { Prng } from './helpers.ts';

/** protocol/sha256.ts is the hash chain's SHA-256: it must be SHA-256, byte for byte. */
test('sha256 matches FIPS 180-4 vectors and node:crypto at every length around the block edges', () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  assert.equal(hex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hex(sha256(Buffer.from('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    hex(sha256(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  const rng = new Prng(256);
  for (let n = 0; n <= 300; n++) {
    const data = Uint8Array.from({ length: n }, () => rng.int(256));
    assert.equal(hex(sha256(data)), createHash('sha256').update(data).digest('hex'), `length ${n}`);
  }
  const big = Uint8Array.from({ length: 5000 }, () => rng.int(256));
  assert.equal(hex(sha256(big)), createHash('sha256').update(big).digest('hex'), 'a longer input grows the scratch');
  assert.equal(hex(sha256(Buffer.from('abc'), 16)), 'ba7816bf8f01cfea414140de5dae2223', 'truncated for the chain');
});

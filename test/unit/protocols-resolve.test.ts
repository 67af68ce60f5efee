/**
 * The Electron protocol handlers' request → file resolution (main/app/protocols-resolve.ts),
 * in plain Node: `..`, absolute paths, symlinks that leave the served folder, and URL-encoded
 * and double-encoded variants of each are refused; ordinary requests still resolve.
 */
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDataRequest, parseThumbRequest, resolveAppRequest, resolveThumbFile } from '../../main/app/protocols-resolve';
import { thumbPath } from '../../main/dataset/thumbs';
import { tempDir } from '../helpers/paths';

const SECRET = 'secret-outside-the-served-folder';
const HASH = 'a3f1c9d2e4b5a6978812';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let renderer: string;
let cache: string;
let secret: string;

beforeAll(async () => {
  tmp = await tempDir('byol-protocols-');
  renderer = path.join(realpathSync(tmp.dir), 'renderer');
  cache = path.join(tmp.dir, 'project', 'cache');
  secret = path.join(tmp.dir, 'secret.txt');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  mkdirSync(path.join(tmp.dir, 'outside'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(secret, SECRET);
  writeFileSync(path.join(tmp.dir, 'outside', 'secret.txt'), SECRET);
  symlinkSync(secret, path.join(renderer, 'escape.txt'));
  symlinkSync(path.join(tmp.dir, 'outside'), path.join(renderer, 'linkdir'));
  // A real cached thumbnail, and one whose cache entry is a symlink to a file outside.
  for (const [hash, target] of [[HASH, null], ['bbbbbbbbbbbbbbbbbbbb', secret]] as const) {
    const file = thumbPath(cache, hash, 'small');
    mkdirSync(path.dirname(file), { recursive: true });
    if (target) symlinkSync(target, file);
    else writeFileSync(file, 'thumb');
  }
});
afterAll(() => tmp?.cleanup());

/** Refused, or a path inside the renderer folder that does not exist (the handler's 404). */
function expectRefused(url: string): void {
  const file = resolveAppRequest(renderer, url);
  if (file === null) return;
  expect(file.startsWith(renderer + path.sep), `${url} → ${file}`).toBe(true);
  expect(existsSync(file), `${url} → ${file}`).toBe(false);
}

describe('app:// resolution', () => {
  it('serves the renderer files', () => {
    expect(resolveAppRequest(renderer, 'app://bundle/')).toBe(path.join(renderer, 'index.html'));
    expect(resolveAppRequest(renderer, 'app://bundle/assets/app.js')).toBe(path.join(renderer, 'assets', 'app.js'));
    expect(resolveAppRequest(renderer, 'app://bundle/assets/app%2Ejs')).toBe(path.join(renderer, 'assets', 'app.js'));
  });

  it('refuses .., absolute paths, symlinks out, and their encoded and double-encoded forms', () => {
    const abs = secret;
    const attempts = [
      'app://bundle/../secret.txt', 'app://bundle/assets/../../secret.txt',
      'app://bundle/%2e%2e/secret.txt', 'app://bundle/%2E%2E/secret.txt', 'app://bundle/.%2e/secret.txt',
      'app://bundle/..%2fsecret.txt', 'app://bundle/..%2Fsecret.txt', 'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://bundle/..%5csecret.txt', 'app://bundle/..\\secret.txt',
      'app://bundle/%252e%252e/secret.txt', 'app://bundle/%252e%252e%252fsecret.txt', 'app://bundle/..%252fsecret.txt',
      `app://bundle/${abs}`, `app://bundle//${abs}`, `app://bundle/${encodeURIComponent(abs)}`,
      `app://bundle/${encodeURIComponent(encodeURIComponent(abs))}`, 'app://bundle/%2fetc%2fpasswd',
      'app://bundle/escape.txt', 'app://bundle/%65scape.txt', 'app://bundle/linkdir/secret.txt', 'app://bundle/linkdir%2fsecret.txt',
      'app://bundle/%00secret.txt', 'app://bundle/index.html%00.js', 'app://bundle/%e0%a4%a.txt',
    ];
    for (const url of attempts) expectRefused(url);
    // The symlinks are refused outright, not just missed.
    expect(resolveAppRequest(renderer, 'app://bundle/escape.txt')).toBeNull();
    expect(resolveAppRequest(renderer, 'app://bundle/linkdir/secret.txt')).toBeNull();
    expect(resolveAppRequest(renderer, 'app://bundle/%e0%a4%a.txt')).toBeNull();
  });
});

describe('byol-thumb:// resolution', () => {
  it('parses only (small|large)/<decimal id>', () => {
    expect(parseThumbRequest('byol-thumb://small/12')).toEqual({ size: 'small', id: 12 });
    expect(parseThumbRequest('byol-thumb://large/0')).toEqual({ size: 'large', id: 0 });
    const bad = [
      'byol-thumb://small/', 'byol-thumb://small/..', 'byol-thumb://small/../1x', 'byol-thumb://small/%2e%2e%2f1',
      'byol-thumb://small/1%2f..%2f..%2fsecret', 'byol-thumb://small/%252e%252e%252f1', 'byol-thumb://small//etc/passwd',
      'byol-thumb://small/%2Fetc%2Fpasswd', 'byol-thumb://small/0x10', 'byol-thumb://small/1e3', 'byol-thumb://small/-1',
      'byol-thumb://small/1?x=../../secret', 'byol-thumb://huge/1', 'byol-thumb://%2e%2e/1', 'byol-thumb://small/12345678901234567',
    ];
    for (const url of bad) expect(parseThumbRequest(url), url).toBeNull();
  });

  it('resolves a cached thumbnail; refuses bad hashes and cache entries that link outside', () => {
    expect(resolveThumbFile(cache, HASH, 'small')).toBe(realpathSync(thumbPath(cache, HASH, 'small')));
    expect(resolveThumbFile(cache, HASH, 'large')).toBeNull(); // not cached
    expect(resolveThumbFile(cache, 'bbbbbbbbbbbbbbbbbbbb', 'small')).toBeNull();
    for (const hash of ['../../../secret', '..%2f..%2fsecret', `/${secret}`, 'A3F1C9D2E4B5A6978812', '', 'a3f1/../../x']) {
      expect(resolveThumbFile(cache, hash, 'small'), hash).toBeNull();
    }
  });
});

describe('byol-data:// resolution', () => {
  it('names only plain lowercase resources', () => {
    expect(parseDataRequest('byol-data://project/map')).toBe('map');
    for (const url of ['byol-data://project/%2e%2e%2fmap', 'byol-data://project/map/..%2f..', 'byol-data://project/map%00',
      'byol-data://project/%252e%252e', 'byol-data://project//etc/passwd', 'byol-data://project/MAP', 'byol-data://project/']) {
      expect(parseDataRequest(url), url).toBeNull();
    }
  });
});

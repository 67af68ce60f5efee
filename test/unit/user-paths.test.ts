/** Home-relative paths: the renderer shows `~/…`, and the Node side turns it back into the same path. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHome } from '../../main/api/user-path';
import { tildePath } from '../../renderer/format';

describe('tildePath and expandHome', () => {
  const home = '/home/ada';
  it('shows paths under home with ~, and nothing else', () => {
    expect(tildePath('/home/ada/Pictures/birds', home)).toBe('~/Pictures/birds');
    expect(tildePath('/home/ada', home)).toBe('~');
    expect(tildePath('/home/ada/', '/home/ada/')).toBe('~/');
    expect(tildePath('/home/adam/x', home)).toBe('/home/adam/x');
    expect(tildePath('/data/home/ada/x', home)).toBe('/data/home/ada/x');
    expect(tildePath('/home/ada/x', null)).toBe('/home/ada/x');
    expect(tildePath('C:\\Users\\ada\\Pictures', 'C:\\Users\\ada')).toBe('~\\Pictures');
  });
  it('expands what it shows back to the original path', () => {
    for (const p of ['/home/ada/Pictures/birds', '/home/ada', '/home/adam/x', '/srv/images']) {
      expect(expandHome(tildePath(p, home), home)).toBe(p);
    }
    expect(expandHome('  ~/labels.csv ', home)).toBe('/home/ada/labels.csv');
    expect(expandHome('rel/dir', home)).toBe(path.resolve('rel/dir'));
    expect(expandHome('~user/x', home)).toBe(path.resolve('~user/x'));
  });
});

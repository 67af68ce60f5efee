import { describe, expect, it } from 'vitest';
import { AppService } from '../../main/api/service';
import { tempDir } from '../helpers/paths';

async function withService<T>(fn: (s: AppService) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir();
  const service = new AppService({ mode: 'serve', dataRoot: dir, emit: () => {} });
  try {
    return await fn(service);
  } finally {
    await service.close();
    await cleanup();
  }
}

describe('contract dispatch', () => {
  it('answers a valid request', async () => {
    const info = (await withService((s) => s.call('app.info', {}))) as { mode: string };
    expect(info.mode).toBe('serve');
  });

  it('refuses an unknown method with a clear error', async () => {
    await expect(withService((s) => s.call('nope.nothing', {}))).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it.each([
    ['images.page', { offset: -1 }],
    ['images.page', { limit: 1e9 }],
    ['project.open', { dir: 42 }],
    ['project.open', { dir: '' }],
    ['ingest.start', { folder: 'x', extra: true }],
    ['job.cancel', {}],
    ['app.info', { unexpected: 1 }],
  ])('rejects bad params for %s %j', async (method, params) => {
    await expect(withService((s) => s.call(method, params))).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining(method),
    });
  });

  it('says what to do when no project is open', async () => {
    await expect(withService((s) => s.call('images.page', {}))).rejects.toMatchObject({
      code: 'no_project',
      message: expect.stringMatching(/Open a folder/),
    });
  });

  it('fills schema defaults before the handler runs', async () => {
    const { dir, cleanup } = await tempDir();
    const service = new AppService({ mode: 'serve', dataRoot: dir, emit: () => {} });
    try {
      await service.openProject(`${dir}/p`);
      const page = (await service.call('images.page', {})) as { total: number; items: unknown[] };
      expect(page).toEqual({ total: 0, items: [] });
    } finally {
      await service.close();
      await cleanup();
    }
  });
});

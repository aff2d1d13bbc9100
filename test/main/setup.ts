import { vi } from 'vitest';

vi.mock('electron', async () => {
  const { electronMock } = await import('./electron-mock.js');
  return { ...electronMock, default: electronMock };
});

import { launchChromium, ChromiumMissingError } from './chromium';

test('a missing Chromium fails with the one-line fix, never a download or a skip', async () => {
  const attempt = launchChromium('/nonexistent/chromium');
  await expect(attempt).rejects.toBeInstanceOf(ChromiumMissingError);
  await expect(attempt).rejects.toThrow('Chromium not found at /nonexistent/chromium; install it with: bash scripts/install-chromium.sh');
});

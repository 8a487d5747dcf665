/*
 * Runs the extracted samples in order in one process, after context.ts set up the application,
 * and prints one JSON line of results. argv[2] is a manifest: per sample, the file as written and,
 * for a sample with a stated substitution, the substituted file, run when the written one fails
 * (so that later samples see the state the guide means). Each sample is imported as a module; the
 * tests it registers (describe/it) run after it; a Next.js route handler it exports is called once.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { byokSystem, fakeAgent, fakeProviders, registeredTests } from './context.js';

interface SampleOutcome {
  file: string;
  ok: boolean;
  error?: string;
}

async function runSample(file: string): Promise<SampleOutcome> {
  registeredTests.length = 0;
  try {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const test of [...registeredTests]) {
      for (const hook of test.beforeEach) await hook();
      await test.run();
    }
    if (typeof module.POST === 'function') {
      const request = new Request('http://localhost/api/byok', {
        method: 'POST',
        body: JSON.stringify({
          userId: 'user_123',
          provider: 'openai',
          keyData: { apiKey: 'sk-proj-nextroute0123456789' },
        }),
      });
      const response = (await module.POST(request)) as Response;
      const body = (await response.json()) as { success?: boolean };
      if (response.status !== 200 || body.success !== true) {
        throw new Error(`POST answered ${response.status} ${JSON.stringify(body)}`);
      }
    }
    return { file, ok: true };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { file, ok: false, error: message.slice(0, 500) };
  }
}

const manifest = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as {
  written: string;
  substituted?: string;
}[];
const outcomes: SampleOutcome[] = [];
for (const entry of manifest) {
  const written = await runSample(entry.written);
  outcomes.push(written);
  if (!written.ok && entry.substituted) outcomes.push(await runSample(entry.substituted));
}
console.log(`SAMPLE_RESULTS ${JSON.stringify(outcomes)}`);
await byokSystem.close().catch(() => undefined);
await fakeProviders.close();
await fakeAgent.close();
// Samples leave timers and connections behind (periodic validation, extra managers): end here.
process.exit(0);

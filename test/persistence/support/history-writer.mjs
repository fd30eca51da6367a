// Child process for the message-history concurrency test: waits for a start signal, then
// appends `count` entries through the transpiled MessageHistory as fast as it can.
import { access } from 'node:fs/promises';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [modulePath, historyPath, goPath, sessionId, countText, sizeText] = process.argv.slice(2);
const { MessageHistory } = await import(pathToFileURL(modulePath).href);
const history = new MessageHistory({ path: historyPath, lock: { timeoutMs: 60_000 } });

for (;;) {
  try {
    await access(goPath);
    break;
  } catch {
    await sleep(2);
  }
}
const count = Number(countText);
const size = Number(sizeText);
for (let i = 0; i < count; i++) {
  const filler = 'é'.repeat((size * (1 + (i % 3))) / 2);
  await history.append(sessionId, `${sessionId}|${i}|${filler}|end`);
}

// Downloads one target through tuf-js's Updater and prints one JSON line: what it verified, or
// the name of the error tuf-js raised. Arguments: metadataBaseUrl targetBaseUrl trustedRoot
// metadataDir targetDir targetPath
import fs from 'node:fs';
import path from 'node:path';
import { Updater } from 'tuf-js';

const [metadataBaseUrl, targetBaseUrl, trustedRoot, metadataDir, targetDir, targetPath] = process.argv.slice(2);
try {
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  if (!fs.existsSync(path.join(metadataDir, 'root.json'))) {
    fs.copyFileSync(trustedRoot, path.join(metadataDir, 'root.json'));
  }
  const updater = new Updater({ metadataBaseUrl, targetBaseUrl, metadataDir, targetDir,
    config: { fetchTimeout: 20000, fetchRetry: 0 } });
  await updater.refresh();
  const info = await updater.getTargetInfo(targetPath);
  if (!info) {
    console.log(JSON.stringify({ ok: false, error: 'TargetNotFound', message: targetPath }));
    process.exit(0);
  }
  const file = await updater.downloadTarget(info, path.join(targetDir, path.basename(targetPath)));
  const root = JSON.parse(fs.readFileSync(path.join(metadataDir, 'root.json'), 'utf8'));
  console.log(JSON.stringify({ ok: true, path: info.path, length: info.length, file, custom: info.custom,
    rootVersion: root.signed.version }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: e.constructor.name, message: String(e.message) }));
}

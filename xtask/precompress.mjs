// Writes a brotli (quality 11) and a gzip (level 9) copy beside each file of
// the built web app that compresses, so the server can send them as they
// are instead of compressing on every request. Run by `cargo xtask build`
// after Trunk; uses Node's own zlib, so it needs nothing installed.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const folder = process.argv[2] ?? 'dist';
const COMPRESSIBLE = /\.(wasm|js|css|html|json|svg|txt)$/;

for (const name of readdirSync(folder)) {
  const path = join(folder, name);
  if (!statSync(path).isFile() || !COMPRESSIBLE.test(name)) continue;
  const raw = readFileSync(path);
  const brotli = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gzip = gzipSync(raw, { level: 9 });
  writeFileSync(`${path}.br`, brotli);
  writeFileSync(`${path}.gz`, gzip);
  console.log(`   ${name}: ${raw.length} bytes, brotli ${brotli.length}, gzip ${gzip.length}`);
}

import fs from 'node:fs';
import path from 'node:path';
import { hashFiles } from '../../src/embeddings/artifact-store';
import { parseManifest, type Manifest } from '../../src/embeddings/manifest';

/**
 * Writes what sits beside trained weights: manifest.json (validated), report.json,
 * report.md and MODEL_CARD.md. The artifact hash covers the weight files, so a report's
 * figures name exactly the weights they were computed with.
 */
export function writeArtifactFiles(
  dir: string,
  o: { manifest: Omit<Manifest, 'artifactHash'>; weightFiles: string[]; report: unknown; reportMd: string; modelCard: string },
): Manifest {
  const manifest = parseManifest({ ...o.manifest, artifactHash: hashFiles(dir, o.weightFiles) }, dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(o.report, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'report.md'), o.reportMd);
  fs.writeFileSync(path.join(dir, 'MODEL_CARD.md'), o.modelCard);
  return manifest;
}

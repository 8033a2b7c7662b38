import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/config';
import { parseManifest, type Manifest } from './manifest';

/** Where trained artifacts live in the repository. */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'graph-models', 'artifacts');

/**
 * Trained artifacts on disk: `<root>/<model>/<version>/` holding manifest.json, the
 * weights, report.json / report.md and MODEL_CARD.md. The root is
 * graph-models/artifacts in the repository (committed demo and lastfm artifacts).
 */
export interface ArtifactRef {
  model: string;
  version: string;
  dir: string;
  manifest: Manifest;
}

/** The version a training run gets when none is named: the dataset and the run's UTC start, to the second. */
export function timestampedVersion(dataset: string, at: Date): string {
  return `${dataset}-${at.toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
}

export class ArtifactStore {
  constructor(private readonly root: string) {}

  dirOf(model: string, version: string): string {
    return path.join(this.root, model, version);
  }

  list(model?: string): ArtifactRef[] {
    if (!fs.existsSync(this.root)) return [];
    const models = model ? [model] : fs.readdirSync(this.root).filter((m) => fs.statSync(path.join(this.root, m)).isDirectory());
    const out: ArtifactRef[] = [];
    for (const m of models) {
      const mdir = path.join(this.root, m);
      if (!fs.existsSync(mdir)) continue;
      for (const v of fs.readdirSync(mdir)) {
        const file = path.join(mdir, v, 'manifest.json');
        if (fs.existsSync(file)) out.push({ model: m, version: v, dir: path.join(mdir, v), manifest: this.readManifest(m, v) });
      }
    }
    return out.sort((a, b) => a.manifest.seq - b.manifest.seq);
  }

  get(model: string, version: string): ArtifactRef | null {
    const dir = this.dirOf(model, version);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) return null;
    return { model, version, dir, manifest: this.readManifest(model, version) };
  }

  readManifest(model: string, version: string): Manifest {
    const file = path.join(this.dirOf(model, version), 'manifest.json');
    return parseManifest(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  }
}

/** sha256 over the named files of an artifact directory, in name order. */
export function hashFiles(dir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(f);
    h.update(fs.readFileSync(path.join(dir, f)));
  }
  return h.digest('hex');
}

import fs from 'node:fs';
import path from 'node:path';
import type { PlattParams } from './calibration';
import { GroupBuyHeadModel, type HeadWeights } from './head-model';

/**
 * Reading a saved group-buy head without TF.js (serving runs the plain forward pass of
 * head-model.ts). The files are encoders/artifact-io.ts' layout, written by saveHead in
 * join-network.ts: model.json (config + TF.js weights manifest) and weights.bin (float32,
 * little-endian, concatenated in manifest order).
 */
export const HEAD_FORMAT = 'giftgraph/group-buy-head';
export const HEAD_FORMAT_VERSION = 1;

export interface HeadArtifactConfig {
  features: number;
  contextColumns: number;
  hidden: number;
  /** The feature columns it was trained on (src/features/group-buy-features.ts FEATURE_COLUMNS). */
  featureColumns: readonly string[];
  featureVersion: number;
  platt: PlattParams;
}

interface ModelJson {
  format: string;
  formatVersion: number;
  config: HeadArtifactConfig;
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }>;
}

/** Throws (naming the file) on another format or version, a non-float32 weight, or a size mismatch. */
export function readHead(dir: string): { model: GroupBuyHeadModel; config: HeadArtifactConfig } {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  if (json.format !== HEAD_FORMAT || json.formatVersion !== HEAD_FORMAT_VERSION) {
    throw new Error(`${file} holds ${JSON.stringify(json.format)} v${String(json.formatVersion)}, expected ${HEAD_FORMAT} v${HEAD_FORMAT_VERSION}`);
  }
  const group = json.weightsManifest[0];
  if (!group || group.paths.length !== 1) throw new Error(`${file}: expected one weights file`);
  const buf = fs.readFileSync(path.join(dir, group.paths[0]!));
  const arrays: Record<string, Float32Array> = {};
  let offset = 0;
  for (const w of group.weights) {
    if (w.dtype !== 'float32') throw new Error(`${file}: weight ${w.name} is ${w.dtype}, expected float32`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * n > buf.byteLength) throw new Error(`${file}: weights.bin is shorter than the manifest describes`);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = buf.readFloatLE(offset + 4 * i);
    arrays[w.name] = a;
    offset += 4 * n;
  }
  if (offset !== buf.byteLength) throw new Error(`${file}: weights.bin has ${buf.byteLength} bytes, the manifest describes ${offset}`);
  const get = (k: string) => {
    const a = arrays[k];
    if (!a) throw new Error(`${file}: weight ${k} is missing`);
    return a;
  };
  const { features, contextColumns, hidden } = json.config;
  const weights: HeadWeights = { features, contextColumns, hidden, w1: get('w1'), b1: get('b1'), w2: get('w2'), v: get('v'), b: get('b'), u: get('u'), c: get('c') };
  return { model: new GroupBuyHeadModel(weights, json.config.platt), config: json.config };
}

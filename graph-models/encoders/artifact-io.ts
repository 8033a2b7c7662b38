/**
 * Saving and loading model weights as two files in a directory, without TF.js's
 * `file://` handler (that one lives in tfjs-node, which may be absent):
 *
 *     <dir>/model.json    { format, formatVersion, config, weightsManifest, userDefinedMetadata }
 *     <dir>/weights.bin   the weights, concatenated little-endian float32 (int32 for int tensors)
 *
 * `weightsManifest` is TF.js's (`[{ paths: ['weights.bin'], weights: WeightsManifestEntry[] }]`)
 * and the binary is `tf.io.encodeWeights`' output, so the weights can also be read with
 * `tf.io.decodeWeights`. Files are written to temporary names and renamed, weights first,
 * so a reader never sees a model.json whose weights are missing or half written.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** `{ name, tensor }`, the element type `tf.io.encodeWeights` takes (not re-exported by tfjs). */
export type NamedTensor = Exclude<Parameters<typeof tf.io.encodeWeights>[0], tf.NamedTensorMap>[number];

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The JSON file of a saved model. */
export interface ArtifactJson<C> {
  /** Which model class wrote it, e.g. `giftgraph/sage-encoder`. */
  readonly format: string;
  /** Version of that class's file layout; a reader refuses a version it does not know. */
  readonly formatVersion: number;
  /** The model's `getConfig()`. */
  readonly config: C;
  /** TF.js weights manifest: one group, one file. */
  readonly weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  /** Free-form metadata (manifest, data snapshot, metrics …) carried along unread. */
  readonly userDefinedMetadata: Record<string, unknown>;
}

/** What {@link readArtifact} returns; the caller owns (and disposes) `weights`. */
export interface LoadedArtifact<C> {
  readonly config: C;
  readonly weights: tf.NamedTensorMap;
  readonly metadata: Record<string, unknown>;
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

/** Writes `model.json` and `weights.bin` into `dir` (created if missing). */
export async function writeArtifact<C>(
  dir: string,
  header: { format: string; formatVersion: number; config: C },
  weights: NamedTensor[],
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(weights);
  const json: ArtifactJson<C> = {
    ...header,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
    userDefinedMetadata: metadata,
  };
  await writeAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(data));
  await writeAtomic(path.join(dir, MODEL_JSON), `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * Reads a directory written by {@link writeArtifact}; throws when its format or version
 * is not the expected one, or when the binary's size does not match the manifest.
 */
export async function readArtifact<C>(dir: string, format: string, formatVersion: number): Promise<LoadedArtifact<C>> {
  const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8')) as ArtifactJson<C>;
  if (json.format !== format) throw new Error(`${path.join(dir, MODEL_JSON)} holds a ${JSON.stringify(json.format)} model, expected ${JSON.stringify(format)}`);
  if (json.formatVersion !== formatVersion) {
    throw new Error(`${path.join(dir, MODEL_JSON)} has format version ${String(json.formatVersion)}, this code reads version ${formatVersion}`);
  }
  const group = json.weightsManifest[0];
  if (!group || json.weightsManifest.length !== 1 || group.paths.length !== 1) throw new Error(`${path.join(dir, MODEL_JSON)}: expected one weights file`);
  const buf = await fs.readFile(path.join(dir, group.paths[0]!));
  const expected = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (buf.byteLength !== expected) throw new Error(`${path.join(dir, group.paths[0]!)} has ${buf.byteLength} bytes, the manifest describes ${expected}`);
  const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return { config: json.config, weights: tf.io.decodeWeights(data, group.weights), metadata: json.userDefinedMetadata ?? {} };
}

import fs from 'node:fs';
import path from 'node:path';
import type { LoopState } from './fit-loop';
import type { OptimizerState } from './optimizer-state';

/**
 * A resumable checkpoint: `state.json` (loop state, shapes, the run's options) and up to
 * three weight files, `current.bin`, `best.bin` and `optimizer.bin` (Float32 arrays back to
 * back). Each file is written to a temp name and renamed, and `state.json` last, so a run
 * killed mid-write leaves a checkpoint whose `state.json` describes files that are whole.
 * (A kill between two renames can pair new weights with the previous `state.json`: the
 * resumed run then repeats at most one evaluation interval on newer weights.)
 */
export interface Checkpoint {
  state: LoopState;
  current: Float32Array[];
  best: Float32Array[] | null;
  /** Options of the run that wrote it: a resume with different options is refused. */
  options: Record<string, unknown>;
  /** The optimiser's variables; null in checkpoints written before they were saved. */
  optimizer: OptimizerState | null;
}

export function writeCheckpoint(dir: string, c: Checkpoint): void {
  fs.mkdirSync(dir, { recursive: true });
  const put = (name: string, arrays: Float32Array[]) => {
    const tmp = path.join(dir, `${name}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    for (const a of arrays) fs.writeSync(fd, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    fs.closeSync(fd);
    fs.renameSync(tmp, path.join(dir, name));
  };
  put('current.bin', c.current);
  if (c.best) put('best.bin', c.best);
  if (c.optimizer) put('optimizer.bin', c.optimizer.values);
  const optimizer = c.optimizer ? { names: c.optimizer.names, shapes: c.optimizer.shapes, lengths: c.optimizer.values.map((a) => a.length) } : null;
  const meta = { state: c.state, lengths: c.current.map((a) => a.length), hasBest: c.best !== null, options: c.options, optimizer };
  fs.writeFileSync(path.join(dir, 'state.json.tmp'), JSON.stringify(meta));
  fs.renameSync(path.join(dir, 'state.json.tmp'), path.join(dir, 'state.json'));
}

export function readCheckpoint(dir: string): Checkpoint | null {
  const file = path.join(dir, 'state.json');
  if (!fs.existsSync(file)) return null;
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    state: LoopState; lengths: number[]; hasBest: boolean; options: Record<string, unknown>;
    optimizer?: { names: string[]; shapes: number[][]; lengths: number[] } | null;
  };
  const read = (name: string, lengths = meta.lengths): Float32Array[] => {
    const buf = fs.readFileSync(path.join(dir, name));
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    let o = 0;
    return lengths.map((n) => {
      const a = all.slice(o, o + n);
      o += n;
      return a;
    });
  };
  const opt = meta.optimizer ?? null;
  return {
    state: meta.state,
    current: read('current.bin'),
    best: meta.hasBest ? read('best.bin') : null,
    options: meta.options,
    optimizer: opt ? { names: opt.names, shapes: opt.shapes, values: read('optimizer.bin', opt.lengths) } : null,
  };
}

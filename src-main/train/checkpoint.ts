/**
 * Per-epoch training checkpoints, so a killed or cancelled fold resumes from its last completed
 * epoch with the same weights *and* Adam state (moments and step count) — the resumed run follows
 * the same trajectory as an uninterrupted one up to float rounding.
 *
 * Layout of a checkpoint folder:
 *   checkpoint.json  { version, completedEpochs, state (caller's JSON), tensors: [{name, shape, dtype, offset, length}] }
 *   checkpoint.bin   the tensors' values back to back (float32 / int32, little-endian)
 * Both are written to temporary names and renamed, the .bin first, so the .json never points
 * at a half-written file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import { tf } from '../model/tf';
import { writeFileAtomic, writeJsonAtomic } from './run-info';

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in checkpoint.bin. */
  offset: number;
  /** Number of elements. */
  length: number;
}

export interface CheckpointFile<S> {
  version: 1;
  completedEpochs: number;
  state: S;
  tensors: TensorEntry[];
}

/** Writes named tensors plus a JSON state; `binName` lets two checkpoints share a folder. */
export async function writeCheckpoint<S>(
  dir: string,
  completedEpochs: number,
  state: S,
  tensors: Array<{ name: string; tensor: tf.Tensor }>,
  binName = 'checkpoint',
): Promise<void> {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const values = await tensor.data();
    const arr = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    entries.push({ name, shape: tensor.shape, dtype, offset, length: arr.length });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  writeFileAtomic(join(dir, `${binName}.bin`), Buffer.concat(chunks));
  const file: CheckpointFile<S> = { version: 1, completedEpochs, state, tensors: entries };
  writeJsonAtomic(join(dir, `${binName}.json`), file);
}

/** Reads a checkpoint or returns null when none exists; tensors are new (caller disposes). */
export function readCheckpoint<S>(
  dir: string,
  binName = 'checkpoint',
): { file: CheckpointFile<S>; tensors: Map<string, tf.Tensor> } | null {
  const jsonPath = join(dir, `${binName}.json`);
  if (!existsSync(jsonPath)) return null;
  let file: CheckpointFile<S>;
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as CheckpointFile<S>;
  } catch (e) {
    throw new BeatlensError('checkpoint-corrupt', `${jsonPath} is not valid JSON`, { cause: e });
  }
  if (file.version !== 1) {
    throw new BeatlensError(
      'checkpoint-corrupt',
      `${jsonPath} has version ${file.version}, want 1`,
    );
  }
  const bin = readFileSync(join(dir, `${binName}.bin`));
  const tensors = new Map<string, tf.Tensor>();
  for (const e of file.tensors) {
    const bytes = bin.subarray(e.offset, e.offset + e.length * 4);
    if (bytes.byteLength !== e.length * 4) {
      throw new BeatlensError('checkpoint-corrupt', `${binName}.bin in ${dir} is truncated`);
    }
    const copy = new Uint8Array(bytes).buffer;
    const values = e.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    tensors.set(e.name, tf.tensor(values, e.shape, e.dtype));
  }
  return { file, tensors };
}

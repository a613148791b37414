/**
 * Which files the renderer may have imported: only those the person chose in the system dialog
 * (run by main) or dropped/uploaded, each behind an opaque id that is valid for this session only.
 * The renderer never sends a path, so a compromised page cannot name `/home/x/other-patient.edf`.
 *
 * Uploads (the browser version, and drops in either shell) are written under a private staging
 * folder, one sub-folder per selection ("batch"), so a WFDB header finds its .dat and .atr beside
 * it; each file is written to a temporary name and renamed, and the folder is removed on close.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { BeatlensError } from '../errors';
import { unsafeFileNameReason } from '../ecg/file-names';
import { IMPORT_EXTENSIONS } from '../ecg/import/load';
import { MAX_UPLOAD_BYTES } from '../ipc/contract';
import type { FileRef, UploadResult } from '../ipc/contract';

const newId = (): string => randomBytes(16).toString('hex');

/** True for the files the importer reads as records (.hea, .csv, .edf). */
export function isImportable(name: string): boolean {
  return (IMPORT_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

/** True for a model folder's manifest, the file `models:import` takes (beside its weights.bin). */
export function isModelManifest(name: string): boolean {
  return basename(name) === 'model.json';
}

export class FileAccess {
  private readonly granted = new Map<string, string>();
  private readonly batches = new Map<string, string>();
  private staging: string | null = null;

  /** @param uploadsRoot where upload staging folders are made (created on the first upload). */
  constructor(private readonly uploadsRoot: string) {}

  /** Hands out an id for a file the person chose. */
  grant(path: string): FileRef {
    const fileId = newId();
    this.granted.set(fileId, path);
    return { fileId, name: basename(path) };
  }

  /** The path behind an id this session handed out; any other id is refused. */
  path(fileId: string): string {
    const path = this.granted.get(fileId);
    if (path === undefined) {
      throw new BeatlensError(
        'file-unknown',
        `file id '${fileId}' was not handed out by a file dialog or upload of this session; choose the file again`,
      );
    }
    return path;
  }

  /**
   * Stores one uploaded file into `batchId` (a new batch when absent) and grants it when it is a
   * record or a model manifest to import. The name must be a plain file name; the bytes are base64.
   */
  upload(args: { batchId?: string; name: string; data: string }): UploadResult {
    const unsafe = unsafeFileNameReason(args.name);
    if (unsafe) {
      throw new BeatlensError(
        'upload-bad-name',
        `files:upload: file name '${args.name}' is refused because ${unsafe}`,
      );
    }
    const bytes = Buffer.from(args.data, 'base64');
    if (bytes.length > MAX_UPLOAD_BYTES) {
      throw new BeatlensError(
        'upload-too-large',
        `files:upload: ${args.name} is ${bytes.length} bytes, over the ${MAX_UPLOAD_BYTES} bytes an upload takes; open it with the file dialog of the desktop app`,
      );
    }
    let batchId = args.batchId;
    let dir: string;
    if (batchId === undefined) {
      batchId = newId();
      dir = join(this.stagingDir(), batchId);
      mkdirSync(dir);
      this.batches.set(batchId, dir);
    } else {
      const known = this.batches.get(batchId);
      if (known === undefined) {
        throw new BeatlensError(
          'upload-unknown-batch',
          `files:upload: batch '${batchId}' was not started by an upload of this session`,
        );
      }
      dir = known;
    }
    const target = join(dir, args.name);
    const partial = join(dir, `.${newId()}.partial`);
    writeFileSync(partial, bytes);
    renameSync(partial, target);
    const grant = isImportable(args.name) || isModelManifest(args.name);
    return { batchId, file: grant ? this.grant(target) : null };
  }

  /** Removes the staged uploads and forgets every id. */
  close(): void {
    this.granted.clear();
    this.batches.clear();
    if (this.staging) rmSync(this.staging, { recursive: true, force: true });
    this.staging = null;
  }

  private stagingDir(): string {
    if (!this.staging) {
      mkdirSync(this.uploadsRoot, { recursive: true, mode: 0o700 });
      this.staging = mkdtempSync(join(this.uploadsRoot, 'session-'));
    }
    return this.staging;
  }
}

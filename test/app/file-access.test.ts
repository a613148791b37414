/**
 * The renderer never sends a path: files come from the system dialog (run by main) or an upload,
 * and are imported by opaque ids. The hostile header of the file-read hole is refused in one line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileAccess } from '../../src-main/app/file-access';
import { createAppServices } from '../../src-main/app/services';
import type { AppServices } from '../../src-main/app/services';
import { createEventBus } from '../../src-main/ipc/events';
import { createHandlers } from '../../src-main/ipc/handlers';
import { SECRET_TEXT, writeHostileRecord } from '../helpers/hostile-record';
import { tempDir } from '../store/fixtures';
import { expectBeatlensError } from '../ecg/wfdb/expect-error';

const tmp = tempDir('beatlens-files-');
afterAll(() => tmp.cleanup());
const b64 = (text: string) => Buffer.from(text).toString('base64');
const CSV = `I,II\n${Array.from({ length: 400 }, (_, i) => `${Math.sin(i / 9).toFixed(3)},${Math.cos(i / 7).toFixed(3)}`).join('\n')}\n`;

describe('FileAccess', () => {
  it('answers only the ids it handed out', () => {
    const files = new FileAccess(join(tmp.dir, 'uploads-a'));
    const ref = files.grant('/data/100.hea');
    expect(ref).toEqual({ fileId: expect.stringMatching(/^[0-9a-f]{32}$/), name: '100.hea' });
    expect(files.path(ref.fileId)).toBe('/data/100.hea');
    expectBeatlensError(
      () => files.path('/etc/passwd'),
      'file-unknown',
      /file id '\/etc\/passwd' was not handed out/,
    );
    files.close();
    expectBeatlensError(() => files.path(ref.fileId), 'file-unknown', /not handed out/);
  });

  it('stages an upload batch together, grants only record files, and removes it on close', () => {
    const root = join(tmp.dir, 'uploads-b');
    const files = new FileAccess(root);
    const hea = files.upload({ name: '100.hea', data: b64('100 1 360\n100.dat 16\n') });
    expect(hea.file?.name).toBe('100.hea');
    const dat = files.upload({ batchId: hea.batchId, name: '100.dat', data: b64('\x01\x00') });
    expect(dat).toEqual({ batchId: hea.batchId, file: null });
    const dir = join(files.path(hea.file!.fileId), '..');
    expect(readdirSync(dir).sort()).toEqual(['100.dat', '100.hea']);
    expect(readFileSync(join(dir, '100.hea'), 'utf8')).toBe('100 1 360\n100.dat 16\n');
    files.close();
    expect(readdirSync(root)).toEqual([]);
  });

  it.each(['../evil.hea', 'a/b.csv', '..', 'C:x.csv', 'x\\y.edf'])(
    'refuses the upload name %j and writes nothing',
    (name) => {
      const root = join(tmp.dir, 'uploads-c');
      const files = new FileAccess(root);
      expectBeatlensError(
        () => files.upload({ name, data: b64('x') }),
        'upload-bad-name',
        /^files:upload: file name '.*' is refused because it /,
      );
      expect(existsSync(root)).toBe(false);
    },
  );

  it('refuses a batch it did not start', () => {
    const files = new FileAccess(join(tmp.dir, 'uploads-d'));
    expectBeatlensError(
      () => files.upload({ batchId: 'b'.repeat(32), name: 'x.dat', data: '' }),
      'upload-unknown-batch',
      /batch 'b+' was not started/,
    );
  });
});

describe('records:import by file id (app services)', () => {
  let services: AppServices;
  const home = join(tmp.dir, 'home');
  let chosen: string[] = [];
  const start = async () => {
    services?.close();
    services = await createAppServices({
      shell: 'electron',
      events: createEventBus(),
      home,
      pickFiles: async () => chosen,
    });
    return createHandlers(services.impl);
  };
  afterAll(() => services?.close());

  it('refuses the hostile header, from the dialog and from an upload, in one line, storing nothing', async () => {
    const handlers = await start();
    const { headerPath } = writeHostileRecord(join(tmp.dir, 'hostile'));
    chosen = [headerPath, join(tmp.dir, 'hostile', 'secret.bin')];
    const opened = await handlers['files:open']({});
    expect(opened.ok && opened.value.map((f) => f.name)).toEqual(['evil.hea']);
    if (!opened.ok) return;
    const before = services.store!.counts();
    const viaDialog = await handlers['records:import']({ fileId: opened.value[0].fileId });
    expect(viaDialog).toEqual({
      ok: false,
      code: 'wfdb-unsafe-file-name',
      message: expect.stringMatching(
        /evil\.hea: line 2: signal file name '\.\.\/secret\.bin' is refused because it contains '\.\.'/,
      ),
    });
    const upload = await handlers['files:upload']({
      name: 'evil.hea',
      data: b64(readFileSync(headerPath, 'utf8')),
    });
    expect(upload.ok).toBe(true);
    if (!upload.ok) return;
    const viaUpload = await handlers['records:import']({ fileId: upload.value.file!.fileId });
    expect(viaUpload).toMatchObject({ ok: false, code: 'wfdb-unsafe-file-name' });
    for (const r of [viaDialog, viaUpload]) {
      expect(JSON.stringify(r)).not.toContain(SECRET_TEXT);
      expect(JSON.stringify(r)).not.toContain('\\n');
    }
    expect(services.store!.counts()).toEqual(before);
    expect(services.library.list().map((r) => r.id)).not.toContain('evil');
  });

  it('imports an uploaded CSV by its id and refuses a made-up id', async () => {
    const handlers = await start();
    const up = await handlers['files:upload']({ name: 'clinic.csv', data: b64(CSV) });
    if (!up.ok) throw new Error(up.message);
    const r = await handlers['records:import']({ fileId: up.value.file!.fileId, fs: 250 });
    expect(r).toMatchObject({ ok: true, value: { id: 'clinic', fs: 250, nLeads: 2 } });
    expect(services.store!.records.get('clinic')).toBeTruthy();
    const madeUp = await handlers['records:import']({ fileId: 'c'.repeat(32) });
    expect(madeUp).toMatchObject({ ok: false, code: 'file-unknown' });
  });

  it('has no system dialog in the browser version', async () => {
    const browser = await createAppServices({ shell: 'browser', events: createEventBus(), home });
    const r = await createHandlers(browser.impl)['files:open']({});
    expect(r).toMatchObject({ ok: false, code: 'not-available' });
    browser.close();
  });
});

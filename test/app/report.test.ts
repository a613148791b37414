/**
 * The app's report of a scan: counted from the effective labels (a reviewer's relabel moves the
 * PVC count and the burden, an artefact leaves the count), signed off into the store with the
 * report as signed, marked stale by a later decision, exported as JSON and HTML, and as PDF only
 * where a printer is wired.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportService } from '../../src-main/app/report';
import type { CurrentModel } from '../../src-main/app/model-choice';
import type { RecordMaps } from '../../src-main/app/record-maps';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import type { PdfPrinter } from '../../src-main/holter/pdf';
import type { HolterReport } from '../../src-main/holter/report';
import { openStore, type Store } from '../../src-main/store/index';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-report-app-');
let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

const MODEL = {
  id: 'default',
  name: 'm1',
  info: { method: 'classifier', savedAt: '2026-01-01T00:00:00Z' },
  meta: { code: { commit: '0123456789abcdef' } },
} as unknown as CurrentModel;

/** The map's model when it is not the labels' (the app's default: the shipped localiser). */
const MAP_MODEL = { ...MODEL, id: 'localiser', name: 'm2 <localiser>' } as CurrentModel;

function setup(printer: PdfPrinter | null = null, mapModel: CurrentModel = MODEL) {
  const s = (store = openStore(join(tmp.dir, `${Date.now()}-${Math.random()}.sqlite`)));
  const { record, beats: reference } = synthesizeRecord({
    seed: 4,
    durationSeconds: 90,
    pvcRate: 0.12,
  });
  s.records.import({ record, format: 'synthetic', checksum: 'x', beats: reference });
  const scanId = s.beatReviews.createScan({
    recordId: record.id,
    modelName: 'm1',
    beatSource: 'detector',
    fs: record.fs,
    minProbability: 0.5,
    beats: reference.map((b) => ({
      beatSample: b.sample,
      machineLabel: b.aami === 'V' ? 'V' : 'N',
      score: 0.5,
      correlation: null,
      segmentLabel: 'NORMAL',
      segmentProbability: 0.9,
      referenceSymbol: null,
    })),
  });
  const maps: RecordMaps = {
    recordId: record.id,
    fsRecord: record.fs,
    fsModel: record.fs,
    map: new Float32Array(record.nSamples).fill(0.5),
    maxValue: 1,
    mapSource: 'gradxinput',
    beatSource: 'detector',
    beats: [],
    segments: [],
    warnings: [],
    excluded: [],
  };
  const service = new ReportService({
    store: s,
    record: () => ({ record }),
    model: (role) => (role === 'map' ? mapModel : MODEL),
    maps: (m) => {
      mapsOf.push(m.id);
      return Promise.resolve(maps);
    },
    printer,
  });
  const mapsOf: string[] = [];
  const nV = reference.filter((b) => b.aami === 'V').length;
  return { s, service, scanId, reference, nV, mapsOf };
}

describe('ReportService', () => {
  it("counts the effective labels: a reviewer's relabel and an artefact change the figures", async () => {
    const { s, service, scanId, reference, nV } = setup();
    expect(nV).toBeGreaterThan(0);
    const before = await service.view(scanId);
    expect(before.pvcCount).toBe(nV);
    expect(before.totalBeats).toBe(reference.length);
    expect(before.model).toBe('m1');
    const firstN = reference.find((b) => b.aami !== 'V')!;
    const firstV = reference.find((b) => b.aami === 'V')!;
    s.beatReviews.label(scanId, [firstN.sample], 'V');
    s.beatReviews.label(scanId, [firstV.sample], 'artefact');
    const after = await service.view(scanId);
    expect(after.pvcCount).toBe(nV); // one more V, one V gone
    expect(after.totalBeats).toBe(reference.length - 1);
    expect(after.reviewedBeats).toBe(2);
    expect(after.burdenPercent).toBeCloseTo((100 * nV) / (reference.length - 1), 10);
    expect(after.figuresHtml).toContain(`data-figure="pvc-count">${nV}<`);
    expect(after.strips.length).toBeGreaterThan(0);
    expect(after.mapModel).toBe('m1');
    expect(after.strips[0].svg).toContain('gradient × input of m1');
  });

  it('shades the strips with the map model and says which model made the map', async () => {
    const { service, scanId, mapsOf } = setup(null, MAP_MODEL);
    const view = await service.view(scanId);
    expect(mapsOf).toEqual(['localiser']);
    expect([view.model, view.mapModel]).toEqual(['m1', 'm2 <localiser>']);
    expect(view.strips.length).toBeGreaterThan(0);
    for (const st of view.strips)
      expect(st.svg).toContain('gradient × input of m2 &lt;localiser&gt;');
    // The exported page names it too.
    expect(view.warnings).toContain(
      "the strips are shaded with the map of m2 <localiser>; the labels are m1's",
    );
    const html = (await service.export(scanId, 'html')).text!;
    expect(html).toContain('shaded with the map of m2 &lt;localiser&gt;');
  });

  it('signs off into the store with the report as signed; a later decision makes it stale', async () => {
    const { s, service, scanId, reference } = setup();
    const signed = await service.signOff(scanId, 'Dr <Rev>');
    expect(signed.signoffs.map((x) => x.reviewer)).toEqual(['Dr <Rev>']);
    expect(signed.stale).toBe(false);
    const row = s.reportSignoffs.list(scanId)[0];
    const json = JSON.parse(s.reportSignoffs.signedReport(row.id)!) as HolterReport;
    expect(json.reviewer).toBe('Dr <Rev>');
    expect(json.signedOffAt).toBe(row.signedAt);
    expect(json.pvcCount).toBe(row.pvcCount);
    await expect(service.signOff(scanId, 'a\nb')).rejects.toThrow(/one line/);
    s.beatReviews.label(scanId, [reference[0].sample], 'S');
    expect((await service.view(scanId)).stale).toBe(true);
    const exported = await service.export(scanId, 'html');
    expect(exported.text).toContain('Dr &lt;Rev&gt;');
    expect(exported.text).toContain(row.signedAt);
  });

  it('exports JSON with the figures; PDF only with a printer', async () => {
    const { service, scanId, nV } = setup();
    const json = await service.export(scanId, 'json');
    expect(json.mimeType).toBe('application/json');
    const r = JSON.parse(json.text!) as HolterReport;
    expect([r.pvcCount, r.format]).toEqual([nV, 'beatlens-holter-report']);
    expect(r.model.codeCommit).toBe('0123456789abcdef');
    await expect(service.export(scanId, 'pdf')).rejects.toThrow(
      /prints the report through the browser/,
    );
    const printed: string[] = [];
    const withPrinter = setup({
      name: 'fake',
      print: (html) => {
        printed.push(html);
        return Promise.resolve(new TextEncoder().encode('%PDF-1.4 fake'));
      },
    });
    const pdf = await withPrinter.service.export(withPrinter.scanId, 'pdf');
    expect(pdf.mimeType).toBe('application/pdf');
    expect(Buffer.from(pdf.base64!, 'base64').toString()).toBe('%PDF-1.4 fake');
    expect(printed[0]).toContain('<!doctype html>');
  });
});

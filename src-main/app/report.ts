/**
 * The app's Holter report of a scan: the same report as `beatlens report` (holter/report.ts),
 * computed from the scan's *effective* labels (`effectiveLabels` of the beat-review store: the
 * reviewer's label where a beat was reviewed, else the machine's), so it follows every review
 * decision. Strips are shaded with the map model's map of the record (the shipped localiser
 * unless a model was chosen; the one inference path, cached per record and model), and say which
 * model made it. A sign-off is one committed row with the report as signed; exports are
 * the report's JSON, its self-contained HTML page and, where a printer is wired (Electron's
 * printToPDF), its PDF.
 */
import { BeatlensError } from '../errors';
import type { EcgRecord } from '../ecg/types';
import type { FileExport, ReportSignoff, ReportView } from '../ipc/contract';
import { buildHolterReport, reportBeats, reportModel, type HolterReport } from '../holter/report';
import { episodeTable, figureRows, hourlySvg, reportHtml, stripSvg } from '../holter/report-html';
import type { PdfPrinter } from '../holter/pdf';
import { effectiveLabels, type Store } from '../store/index';
import type { CurrentModel, ModelRole } from './model-choice';
import type { RecordMaps } from './record-maps';

export interface ReportServiceDeps {
  store: Store;
  record: (recordId: string) => { record: EcgRecord };
  /** The app's model of each role (the map model's map shades the strips), or null. */
  model: (role: ModelRole) => CurrentModel | null;
  /** The record's inference with a model (waits for it when it is running). */
  maps: (model: CurrentModel, recordId: string) => Promise<RecordMaps>;
  /** Prints the page to PDF (Electron); null: the renderer prints through the browser. */
  printer: PdfPrinter | null;
}

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** The report of a scan as its latest sign-off names it (no sign-off: unsigned). */
  private async build(
    scanId: number,
    signoff: { reviewer: string; signedAt: string } | null,
  ): Promise<{ report: HolterReport; mapModel: CurrentModel }> {
    const { store } = this.deps;
    const scan = store.beatReviews.requireScan(scanId);
    const { record } = this.deps.record(scan.recordId);
    const model = this.deps.model('labels');
    const mapModel = this.deps.model('map');
    if (!model || !mapModel) {
      throw new BeatlensError(
        'no-model',
        'no trained model is available to shade the report strips',
      );
    }
    const maps = await this.deps.maps(mapModel, scan.recordId);
    const { beats, reviewedBeats } = reportBeats(effectiveLabels(store, scanId));
    const sameModel = scan.modelName === model.name;
    const report = buildHolterReport({
      record,
      maps: { ...maps, beatSource: scan.beatSource },
      beats,
      reviewedBeats,
      model: sameModel
        ? {
            ...reportModel(model.id, {
              method: model.info.method,
              savedAt: model.info.savedAt,
              meta: model.meta,
            }),
            name: model.name,
          }
        : {
            name: scan.modelName ?? 'an unknown model',
            id: '',
            method: 'unknown',
            codeCommit: null,
            savedAt: '',
          },
      reviewer: signoff?.reviewer ?? null,
      signedOffAt: signoff?.signedAt ?? null,
    });
    if (!sameModel) {
      report.warnings.push(
        `the labels come from a scan by ${scan.modelName ?? 'an unknown model'}, not by ${model.name}, the labels' model in use`,
      );
    }
    if (mapModel.name !== report.model.name) {
      // The exported page's strip captions name the map's kind only: say whose map it is.
      report.warnings.push(
        `the strips are shaded with the map of ${mapModel.name}; the labels are ${report.model.name}'s`,
      );
    }
    return { report, mapModel };
  }

  private signoffs(scanId: number): ReportSignoff[] {
    return this.deps.store.reportSignoffs.list(scanId);
  }

  /** What the Report screen shows. */
  async view(scanId: number): Promise<ReportView> {
    const list = this.signoffs(scanId);
    const latest = list[list.length - 1] ?? null;
    const { report, mapModel } = await this.build(scanId, latest);
    const nDecisions = this.deps.store.beatReviews.history(scanId).nDecisions;
    const mapName = `${report.mapSource === 'attention' ? 'attention' : 'gradient × input'} of ${mapModel.name}`;
    return {
      scanId,
      recordId: report.recordId,
      model: report.model.name,
      mapModel: mapModel.name,
      generatedAt: report.generatedAt,
      pvcCount: report.pvcCount,
      totalBeats: report.totalBeats,
      burdenPercent: report.burdenPercent,
      reviewedBeats: report.reviewedBeats,
      urgent: report.urgent.map((u) => u.message),
      warnings: report.warnings,
      figuresHtml: figureRows(report),
      hourlySvg: hourlySvg(report),
      episodesHtml: report.episodes.length ? episodeTable(report) : null,
      strips: report.strips.map((s) => ({ title: s.title, svg: stripSvg(s, mapName) })),
      signoffs: list,
      stale: latest !== null && latest.nDecisions !== nDecisions,
    };
  }

  /** Signs the scan's report as it stands now (one committed row with the signed report). */
  async signOff(scanId: number, reviewer: string): Promise<ReportView> {
    const signedAt = new Date().toISOString();
    const { report } = await this.build(scanId, { reviewer: reviewer.trim(), signedAt });
    this.deps.store.reportSignoffs.add({
      scanId,
      reviewer,
      signedAt,
      nDecisions: this.deps.store.beatReviews.history(scanId).nDecisions,
      pvcCount: report.pvcCount,
      totalBeats: report.totalBeats,
      burdenPercent: report.burdenPercent,
      reportJson: JSON.stringify(report),
    });
    return this.view(scanId);
  }

  async export(scanId: number, format: 'json' | 'html' | 'pdf'): Promise<FileExport> {
    const list = this.signoffs(scanId);
    const { report } = await this.build(scanId, list[list.length - 1] ?? null);
    const base = `report-${report.recordId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    if (format === 'json') {
      return {
        fileName: `${base}.json`,
        mimeType: 'application/json',
        text: `${JSON.stringify(report, null, 1)}\n`,
        base64: null,
      };
    }
    const html = reportHtml(report);
    if (format === 'html') {
      return { fileName: `${base}.html`, mimeType: 'text/html', text: html, base64: null };
    }
    if (!this.deps.printer) {
      throw new BeatlensError(
        'report-pdf-unavailable',
        'this version prints the report through the browser: use Print (Save as PDF)',
      );
    }
    const pdf = await this.deps.printer.print(html);
    return {
      fileName: `${base}.pdf`,
      mimeType: 'application/pdf',
      text: null,
      base64: Buffer.from(pdf).toString('base64'),
    };
  }
}

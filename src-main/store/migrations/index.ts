import { migration001 } from './001_records';
import { migration002 } from './002_models_runs';
import { migration003 } from './003_studies_reviews';
import { migration004 } from './004_flagged_beats';
import { migration005 } from './005_settings_scan_model';
import { migration006 } from './006_scan_beat_reviews';
import { migration007 } from './007_report_signoffs';
import { migration008 } from './008_record_start_time';
import { migration009 } from './009_segment_rr_context';
import { migration010 } from './010_rhythm_reviews';
import type { Migration } from './types';

export type { Migration } from './types';

/** All migrations in order; the last version is the schema this build writes. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];

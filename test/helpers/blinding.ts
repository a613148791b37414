/** The only fields a rater's study item may carry (blinding), sorted: no label, model or record. */
export const BLINDED_ITEM_KEYS = [
  'fs',
  'grade',
  'index',
  'nLeads',
  'nSamples',
  'raterId',
  'signal',
  'studyId',
  'total',
];

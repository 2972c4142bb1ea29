import type { FromSchema } from 'json-schema-to-ts';

const column = { type: 'string', minLength: 1 } as const;

/** conf/data/*.yaml: where the daily OHLCV rows come from and which features to build. */
export const dataSchema = {
  $id: 'ladder/data',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'source', 'path', 'columns', 'features', 'nan_tolerance', 'cache_dir'],
  properties: {
    name: { type: 'string' },
    source: { enum: ['embedded', 'csv', 'parquet'] },
    path: { type: ['string', 'null'], description: 'The csv/parquet file (null for embedded); relative paths resolve against the working folder' },
    columns: {
      type: 'object',
      additionalProperties: false,
      required: ['date', 'open', 'high', 'low', 'close', 'volume'],
      properties: { date: column, open: column, high: column, low: column, close: column, volume: column },
    },
    features: { enum: ['a20', 'a25'], description: 'a20: the study\'s 20 indicators; a25: OHLCV plus a20' },
    nan_tolerance: { type: 'integer', minimum: 0, description: 'Max consecutive missing rows allowed (forward-filled); longer gaps are an error' },
    cache_dir: { type: 'string' },
  },
} as const;

export type DataConfig = FromSchema<typeof dataSchema>;

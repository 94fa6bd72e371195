/** Every export format, by the name `--formats` and the API use. */
import type { ExportFormat } from '../export-params.js';
import type { FormatWriterFactory } from './format-writer.js';
import { createCsvWriter } from './csv-writer.js';
import { createEmlWriter } from './eml.js';
import { createRsmfWriter } from './rsmf.js';
import { createJsonlWriter } from './jsonl-writer.js';
import { createParquetWriter } from './parquet-writer.js';

export const FORMAT_WRITERS: Partial<Record<ExportFormat, FormatWriterFactory>> = {
  jsonl: createJsonlWriter,
  csv: createCsvWriter,
  eml: createEmlWriter,
  rsmf: createRsmfWriter,
  parquet: createParquetWriter,
};

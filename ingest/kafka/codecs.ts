/**
 * Compression codecs for kafkajs, which ships only gzip. Producers in the field
 * (the Java client, librdkafka) commonly use snappy, lz4 or zstd; without these a
 * consumer cannot read their batches at all. All three are pure JavaScript, so
 * nothing native has to build on install. zstd is decompress-only (fzstd): Custos
 * reads zstd batches but never writes them. lz4js writes frames whose blocks depend
 * on each other, which brokers refuse, so frames are written here with independent
 * blocks (the LZ4 frame format with the block-independence flag, as Kafka expects).
 */
// kafkajs is CommonJS and Node's ESM loader does not see CompressionCodecs as a named export.
import kafkajs from 'kafkajs';
// These packages ship no types; their shapes are the kafkajs codec contract.
// @ts-expect-error untyped CommonJS module
import SnappyCodec from 'kafkajs-snappy';
// @ts-expect-error untyped CommonJS module
import lz4 from 'lz4js';
// @ts-expect-error untyped CommonJS module
import xxh32 from 'lz4js/xxh32.js';
import { decompress as zstdDecompress } from 'fzstd';

interface Encoder {
  buffer: Buffer;
}

export interface Codec {
  compress(encoder: Encoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

interface Lz4js {
  compressBound(n: number): number;
  compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  decompress(src: Uint8Array): Uint8Array;
}
const LZ4 = lz4 as Lz4js;
const LZ4_BLOCK = 4 << 20;

/** An LZ4 frame (magic, FLG = version 01 + independent blocks, BD = 4 MiB, header checksum), then blocks, then the end mark. */
export function lz4FrameCompress(src: Buffer): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0]);
  header[6] = ((xxh32 as { hash(seed: number, src: Uint8Array, index: number, length: number): number }).hash(0, header, 4, 2) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  for (let off = 0; off < src.length; off += LZ4_BLOCK) {
    const length = Math.min(LZ4_BLOCK, src.length - off);
    const out = Buffer.alloc(LZ4.compressBound(length));
    const n = LZ4.compressBlock(src, out, off, length, new Uint32Array(1 << 16));
    const size = Buffer.alloc(4);
    if (n === 0 || n >= length) {
      size.writeUInt32LE((0x80000000 | length) >>> 0); // stored uncompressed
      parts.push(size, src.subarray(off, off + length));
    } else {
      size.writeUInt32LE(n);
      parts.push(size, out.subarray(0, n));
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function lz4Codec(): Codec {
  return {
    compress: async (encoder) => lz4FrameCompress(encoder.buffer),
    decompress: async (buffer) => Buffer.from(LZ4.decompress(buffer)),
  };
}

export function zstdDecompressOnlyCodec(): Codec {
  return {
    compress: async () => {
      throw new Error('zstd compression is not supported for writing; Custos only reads zstd batches');
    },
    decompress: async (buffer) => Buffer.from(zstdDecompress(buffer)),
  };
}

let registered = false;

/** Registers the codecs with kafkajs (a process-wide registry) once. */
export function registerCompressionCodecs(): void {
  if (registered) return;
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  const codecs = CompressionCodecs as Record<number, () => Codec>;
  codecs[CompressionTypes.Snappy] = SnappyCodec as () => Codec;
  codecs[CompressionTypes.LZ4] = lz4Codec;
  codecs[CompressionTypes.ZSTD] = zstdDecompressOnlyCodec;
  registered = true;
}

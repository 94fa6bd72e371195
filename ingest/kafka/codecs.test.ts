import { describe, expect, it } from 'vitest';
import { lz4Codec, lz4FrameCompress, zstdDecompressOnlyCodec } from './codecs.js';

describe('compression codecs', () => {
  it('writes LZ4 frames with independent blocks that read back, across several 4 MiB blocks', async () => {
    const src = Buffer.from(Array.from({ length: 700_000 }, (_, i) => `line ${i % 977} of the archive\n`).join(''));
    expect(src.length).toBeGreaterThan(2 * (4 << 20));
    const frame = lz4FrameCompress(src);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[4]! & 0x20).toBe(0x20); // block independence, which brokers require
    expect((await lz4Codec().decompress(frame)).equals(src)).toBe(true);
  });

  it('reads zstd and refuses to write it', async () => {
    // "hello" as `printf hello | zstd -c` writes it (content size and checksum).
    const z = Buffer.from('KLUv/QRYKQAAaGVsbG+jbZ+I', 'base64');
    expect((await zstdDecompressOnlyCodec().decompress(z)).toString()).toBe('hello');
    await expect(zstdDecompressOnlyCodec().compress({ buffer: Buffer.from('x') })).rejects.toThrow(/only reads zstd/);
  });
});

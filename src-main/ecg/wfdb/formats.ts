/**
 * WFDB signal storage formats (PhysioNet `signal(5)`). A signal file holds one interleaved stream
 * of samples: frame after frame, and inside a frame each signal's samples in header order. These
 * functions turn the bytes of that stream into integer ADC values; the record reader
 * de-interleaves and scales them.
 *
 * Supported: 8 (8-bit first differences), 16 (int16 LE), 24 (int24 LE), 32 (int32 LE),
 * 61 (int16 BE), 80 (uint8 offset 128), 160 (uint16 offset 32768), 212 (two 12-bit samples in
 * 3 bytes), 310 (three 10-bit samples in two 16-bit words), 311 (three 10-bit samples in one
 * 32-bit word). FLAC formats 508/516/524 are recognised and rejected.
 */

export const SUPPORTED_FORMATS = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311] as const;
export type WfdbFormat = (typeof SUPPORTED_FORMATS)[number];

/** FLAC-compressed WFDB formats (WFDB 10.7+): recognised so the error can say what they are. */
export const FLAC_FORMATS = [508, 516, 524] as const;

export function isSupportedFormat(format: number): format is WfdbFormat {
  return (SUPPORTED_FORMATS as readonly number[]).includes(format);
}

/**
 * The ADC value WFDB reserves for "no sample here" per format (wfdb-python's table); such samples
 * become NaN in physical units. Format 8 stores differences and has none.
 */
export function invalidSampleValue(format: WfdbFormat): number | null {
  switch (format) {
    case 80:
      return -128;
    case 212:
      return -2048;
    case 310:
    case 311:
      return -512;
    case 16:
    case 61:
    case 160:
      return -32768;
    case 24:
      return -8388608;
    case 32:
      return -2147483648;
    case 8:
      return null;
  }
}

/** How many whole samples `nBytes` of a stream in `format` hold (partial packed groups included). */
export function samplesInBytes(format: WfdbFormat, nBytes: number): number {
  switch (format) {
    case 8:
    case 80:
      return nBytes;
    case 16:
    case 61:
    case 160:
      return Math.floor(nBytes / 2);
    case 24:
      return Math.floor(nBytes / 3);
    case 32:
      return Math.floor(nBytes / 4);
    case 212: {
      // 3 bytes → 2 samples; a trailing 2 bytes hold one more sample.
      const r = nBytes % 3;
      return Math.floor(nBytes / 3) * 2 + (r >= 2 ? 1 : 0);
    }
    case 310: {
      // 4 bytes → 3 samples: sample 0 in bytes 0-1, sample 1 in bytes 2-3, sample 2 in bytes 1+3.
      const r = nBytes % 4;
      return Math.floor(nBytes / 4) * 3 + (r >= 2 ? 1 : 0);
    }
    case 311: {
      // 4 bytes → 3 samples: sample 0 in bytes 0-1, sample 1 in bytes 1-2, sample 2 in bytes 2-3.
      const r = nBytes % 4;
      return Math.floor(nBytes / 4) * 3 + (r >= 3 ? 2 : r >= 2 ? 1 : 0);
    }
  }
}

/**
 * Decodes the first `out.length` samples of the stream in `bytes` into `out`.
 * The caller guarantees `samplesInBytes(format, bytes.length) >= out.length`.
 * For format 8 the values written are the raw signed differences (the caller integrates them
 * per signal, starting from each signal's initial value).
 */
export function decodeStream(format: WfdbFormat, bytes: Uint8Array, out: Int32Array): void {
  const n = out.length;
  const b = bytes;
  switch (format) {
    case 8:
      for (let i = 0; i < n; i++) out[i] = (b[i] << 24) >> 24;
      return;
    case 80:
      for (let i = 0; i < n; i++) out[i] = b[i] - 128;
      return;
    case 16:
      for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((b[j] | (b[j + 1] << 8)) << 16) >> 16;
      return;
    case 61:
      for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (((b[j] << 8) | b[j + 1]) << 16) >> 16;
      return;
    case 160:
      for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (b[j] | (b[j + 1] << 8)) - 32768;
      return;
    case 24:
      for (let i = 0, j = 0; i < n; i++, j += 3) {
        out[i] = ((b[j] | (b[j + 1] << 8) | (b[j + 2] << 16)) << 8) >> 8;
      }
      return;
    case 32:
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        out[i] = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
      }
      return;
    case 212: {
      let i = 0;
      let j = 0;
      for (; i + 1 < n; i += 2, j += 3) {
        const mid = b[j + 1];
        out[i] = ((b[j] | ((mid & 0x0f) << 8)) << 20) >> 20;
        out[i + 1] = ((b[j + 2] | ((mid & 0xf0) << 4)) << 20) >> 20;
      }
      if (i < n) out[i] = ((b[j] | ((b[j + 1] & 0x0f) << 8)) << 20) >> 20;
      return;
    }
    case 310: {
      for (let i = 0, j = 0; i < n; i += 3, j += 4) {
        out[i] = (((b[j] >> 1) | ((b[j + 1] & 0x07) << 7)) << 22) >> 22;
        if (i + 1 < n) out[i + 1] = (((b[j + 2] >> 1) | ((b[j + 3] & 0x07) << 7)) << 22) >> 22;
        if (i + 2 < n) out[i + 2] = (((b[j + 1] >> 3) | ((b[j + 3] & 0xf8) << 2)) << 22) >> 22;
      }
      return;
    }
    case 311: {
      for (let i = 0, j = 0; i < n; i += 3, j += 4) {
        out[i] = ((b[j] | ((b[j + 1] & 0x03) << 8)) << 22) >> 22;
        if (i + 1 < n) out[i + 1] = (((b[j + 1] >> 2) | ((b[j + 2] & 0x0f) << 6)) << 22) >> 22;
        if (i + 2 < n) out[i + 2] = (((b[j + 2] >> 4) | ((b[j + 3] & 0x3f) << 4)) << 22) >> 22;
      }
      return;
    }
  }
}

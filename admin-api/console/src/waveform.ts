/**
 * A 16-bit PCM WAV's channels drawn one above the other as peaks per pixel column: the recording
 * puts the caller on the left channel (top) and the bot on the right (bottom).
 */
export function waveform(wav: ArrayBuffer, width = 640, rowHeight = 48): HTMLCanvasElement {
  const v = new DataView(wav);
  const channels = Math.max(1, v.getUint16(22, true));
  let data = 12;
  // Walk the RIFF chunks to "data": the recorder writes the canonical 44-byte header, others may not.
  while (data + 8 <= wav.byteLength && v.getUint32(data, false) !== 0x64617461) data += 8 + v.getUint32(data + 4, true);
  data += 8;
  const frames = Math.max(0, Math.floor((wav.byteLength - data) / (2 * channels)));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = rowHeight * channels;
  const g = canvas.getContext("2d");
  if (!g) return canvas;
  for (let ch = 0; ch < channels; ch++) {
    const mid = rowHeight * ch + rowHeight / 2;
    g.fillStyle = ch === 0 ? "#0b5cad" : "#1a7f37";
    for (let x = 0; x < width; x++) {
      const from = Math.floor((x * frames) / width);
      const to = Math.min(frames, Math.max(from + 1, Math.floor(((x + 1) * frames) / width)));
      let peak = 0;
      for (let i = from; i < to; i++) peak = Math.max(peak, Math.abs(v.getInt16(data + (i * channels + ch) * 2, true)));
      const height = Math.max(1, (peak / 32768) * rowHeight);
      g.fillRect(x, mid - height / 2, 1, height);
    }
  }
  return canvas;
}

#!/bin/sh
# Regenerates the G.722 golden files that G722GoldenTest compares against, bit for bit.
# The exact commands, and what each file holds, are in README.md beside this script.
# Needs ffmpeg (Debian package `ffmpeg`; made with 7:5.1.9-0+deb12u1), espeak-ng and perl.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The input: 16 kHz s16le mono, speech, then a loud sweep to 7.9 kHz, full-scale noise, silence.
espeak-ng -v en-us -s 170 -w "$tmp/speech.wav" "She sells sea shells, seven, nine."
ffmpeg -hide_banner -loglevel error -y -i "$tmp/speech.wav" \
  -f lavfi -i "aevalsrc=0.9*sin(2*PI*(100*t+3900*t*t)):s=16000:d=1" \
  -f lavfi -i "anoisesrc=color=white:amplitude=1:seed=7:r=16000:d=0.5" \
  -f lavfi -i "anullsrc=r=16000:cl=mono:d=0.25" \
  -filter_complex "[0:a]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono[s];[1:a]aformat=sample_fmts=s16:channel_layouts=mono[c];[2:a]aformat=sample_fmts=s16:channel_layouts=mono[n];[3:a]aformat=sample_fmts=s16:channel_layouts=mono[z];[s][c][n][z]concat=n=4:v=0:a=1[out]" \
  -map "[out]" -f s16le -ac 1 -ar 16000 input-16k.s16le
# An even sample count: G.722 codes sample pairs (FFmpeg would repeat a lone last sample).
truncate -s $(( $(stat -c %s input-16k.s16le) / 4 * 4 )) input-16k.s16le

# 2. FFmpeg's g722 encoder (64 kbit/s, no trellis: its default) over that input.
ffmpeg -hide_banner -loglevel error -y -f s16le -ar 16000 -ac 1 -i input-16k.s16le -c:a g722 -f g722 input-16k.g722

# 3. FFmpeg's g722 decoder over its own encoding, and over random codewords (every code, any order).
ffmpeg -hide_banner -loglevel error -y -f g722 -i input-16k.g722 -f s16le -c:a pcm_s16le decoded-16k.s16le
perl -e 'srand(722); print pack("C*", map { int(rand(256)) } 1 .. 16000)' > random.g722
ffmpeg -hide_banner -loglevel error -y -f g722 -i random.g722 -f s16le -c:a pcm_s16le random-decoded-16k.s16le

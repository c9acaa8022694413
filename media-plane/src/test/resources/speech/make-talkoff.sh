#!/usr/bin/env bash
# Regenerates talkoff-8k.ul: synthetic speech for the in-band DTMF talk-off test.
# Needs espeak-ng and sox (Debian packages). Output: raw G.711 mu-law, 8 kHz, mono (what a call carries).
set -euo pipefail
cd "$(dirname "$0")"
text="Thank you for calling. Please hold while I connect you to the next available agent.
Your account number is one two three four five six seven eight nine zero.
Press one for billing, two for support, or stay on the line. Seven, seven, seven.
The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore.
Hello? Hello! Can you hear me now? Beep. Boop. Ding dong. Whistle. Mmmm. Aaaah. Eeeee."
for voice in en-us en-gb+f3 en+m7; do
  espeak-ng -v "$voice" -s 160 -w "/tmp/talkoff-$voice.wav" "$text"
done
sox /tmp/talkoff-en-us.wav /tmp/talkoff-en-gb+f3.wav /tmp/talkoff-en+m7.wav \
    -D -r 8000 -c 1 -e mu-law -t raw talkoff-8k.ul norm -3
rm -f /tmp/talkoff-*.wav

#!/bin/sh
# Regenerates the G.711 golden files that G711GoldenTest compares against, bit for bit.
#
#   all-s16le-to-ulaw.ul  65536 bytes: byte i is sox's mu-law code for the sample (i - 32768)
#   all-s16le-to-alaw.al  65536 bytes: the same for A-law
#   all-ulaw-to-s16le.raw   512 bytes: code c (0..255) decoded to a little-endian s16 at offset 2c
#   all-alaw-to-s16le.raw   512 bytes: the same for A-law
#
# Needs sox (Debian package `sox`; made with SoX v14.4.2) and perl.
#
# -D matters: without it sox adds TPDF dither whenever it narrows 16-bit samples to G.711's
# 13/14 bits, so two runs give different files. -L pins little-endian whatever the host.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

perl -e 'print pack("s<*", -32768 .. 32767)' > "$tmp/all.s16le"
perl -e 'print pack("C*", 0 .. 255)' > "$tmp/codes.bin"

raw16='-t raw -e signed-integer -b 16 -L -c 1 -r 8000'
sox -D $raw16 "$tmp/all.s16le" -t raw -e mu-law -b 8 -c 1 -r 8000 all-s16le-to-ulaw.ul
sox -D $raw16 "$tmp/all.s16le" -t raw -e a-law  -b 8 -c 1 -r 8000 all-s16le-to-alaw.al
sox -D -t raw -e mu-law -b 8 -c 1 -r 8000 "$tmp/codes.bin" $raw16 all-ulaw-to-s16le.raw
sox -D -t raw -e a-law  -b 8 -c 1 -r 8000 "$tmp/codes.bin" $raw16 all-alaw-to-s16le.raw

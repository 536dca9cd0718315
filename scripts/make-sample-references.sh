#!/usr/bin/env bash
# Makes the demo's "Try a sample clip" references: a 4 s 1280×720 24 fps H.264 MP4 (inside every reference-video
# rule) and a 768×768 JPEG (inside every image rule), small enough to ship in public/samples/. Needs ffmpeg.
# Run once and commit the output.
set -euo pipefail
out="$(dirname "$0")/../public/samples"
mkdir -p "$out"
# Drifting colour fields with a slow zoom: motion the model can follow, and a poster that reads at a glance.
ffmpeg -y -loglevel error \
  -f lavfi -i "gradients=size=1280x720:rate=24:speed=0.03:c0=0x1e1b4b:c1=0x7c3aed:c2=0xf472b6:c3=0x0ea5e9:c4=0xfbbf24:c5=0x1e1b4b:nb_colors=6:x0=0:y0=0:x1=1280:y1=720" \
  -f lavfi -i "sine=frequency=220:sample_rate=44100" \
  -t 4 -vf "format=yuv420p" \
  -c:v libx264 -profile:v high -preset veryslow -crf 32 \
  -c:a aac -b:a 32k -ac 1 -movflags +faststart -shortest \
  "$out/sample-reference.mp4"
ffmpeg -y -loglevel error \
  -f lavfi -i "mandelbrot=size=768x768:start_scale=0.6:inner=convergence" \
  -frames:v 1 -q:v 4 "$out/sample-style.jpg"
ls -l "$out"

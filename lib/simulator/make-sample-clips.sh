#!/usr/bin/env bash
# Makes the simulator's sample result clips (one per aspect ratio): 5 s, H.264 + AAC, faststart MP4.
# Run once and commit the output; needs ffmpeg.
set -euo pipefail
out="$(dirname "$0")/clips"
mkdir -p "$out"
make_clip() {
  local name=$1 size=$2
  ffmpeg -y -loglevel error \
    -f lavfi -i "mandelbrot=size=${size}:rate=24:start_scale=2:end_scale=0.02:inner=convergence" \
    -f lavfi -i "sine=frequency=330:sample_rate=44100" \
    -t 5 -vf "hue=h=t*36,format=yuv420p" \
    -c:v libx264 -profile:v high -preset veryslow -crf 36 \
    -c:a aac -b:a 32k -ac 1 -movflags +faststart -shortest \
    "$out/$name.mp4"
}
make_clip sample-16x9 1280x720
make_clip sample-9x16 720x1280
make_clip sample-1x1 720x720
ls -l "$out"

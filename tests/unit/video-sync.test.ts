import { describe, expect, it } from "vitest";
import { FRAME_SECONDS, VideoSync, type SyncedMedia } from "@/lib/client/video-sync";

/** A video element as the controller sees it; `advance` plays it on by wall-clock seconds at its own rate. */
type FakeVideo = { -readonly [K in keyof SyncedMedia]: SyncedMedia[K] } & { advance: (seconds: number) => void };

function fakeVideo(duration = 5): FakeVideo {
  return {
    currentTime: 0,
    playbackRate: 1,
    paused: true,
    duration,
    seeking: false,
    readyState: 4,
    play() {
      this.paused = false;
      return Promise.resolve();
    },
    pause() {
      this.paused = true;
    },
    advance(seconds: number) {
      if (!this.paused) this.currentTime = Math.min(this.duration, this.currentTime + seconds * this.playbackRate);
    },
  };
}

const spread = (videos: SyncedMedia[]) =>
  Math.max(...videos.map((v) => v.currentTime)) - Math.min(...videos.map((v) => v.currentTime));

describe("the compare view's sync", () => {
  it("pulls a drifting follower back within half a frame by its rate, without a jump", async () => {
    const [master, follower] = [fakeVideo(), fakeVideo()] as const;
    const sync = new VideoSync();
    sync.setMedia([master, follower]);
    await sync.play();
    // The follower decodes 4 % slow, as a loaded machine might.
    for (let frame = 0; frame < 240; frame += 1) {
      master.advance(1 / 60);
      const rate = follower.playbackRate;
      follower.playbackRate = rate * 0.96;
      follower.advance(1 / 60);
      follower.playbackRate = rate;
      sync.tick();
      if (frame > 60) expect(Math.abs(follower.currentTime - master.currentTime)).toBeLessThanOrEqual(FRAME_SECONDS);
    }
  });

  it("holds every video for a follower that fell far behind or stalled, then plays them on together", async () => {
    const [master, follower] = [fakeVideo(), fakeVideo()] as const;
    const sync = new VideoSync();
    sync.setMedia([master, follower]);
    await sync.play();
    master.currentTime = 2;
    follower.pause();
    expect(sync.tick()).toBeCloseTo(2);
    // Held: both paused at the master's time, while the controls still show playing.
    expect([master.paused, follower.paused]).toEqual([true, true]);
    expect(follower.currentTime).toBe(2);
    expect(sync.state().paused).toBe(false);
    sync.tick();
    expect([master.paused, follower.paused]).toEqual([false, false]);
  });

  it("waits while any video seeks or buffers, and never lets the others run ahead meanwhile", async () => {
    const videos = [fakeVideo(), fakeVideo(), fakeVideo()];
    const [master, , slow] = videos as [FakeVideo, FakeVideo, FakeVideo];
    const sync = new VideoSync();
    sync.setMedia(videos);
    await sync.play();
    slow.readyState = 2;
    sync.tick();
    for (let frame = 0; frame < 30; frame += 1) {
      for (const video of videos) video.advance(1 / 60);
      sync.tick();
      expect(videos.every((video) => video.paused)).toBe(true);
    }
    slow.readyState = 4;
    slow.seeking = true;
    sync.tick();
    expect(master.paused).toBe(true);
    slow.seeking = false;
    sync.tick();
    expect(videos.every((video) => !video.paused)).toBe(true);
    expect(spread(videos)).toBe(0);
    // Pause is still one press away while held.
    slow.readyState = 2;
    sync.tick();
    sync.pause();
    slow.readyState = 4;
    sync.tick();
    expect(videos.every((video) => video.paused)).toBe(true);
    expect(sync.state().paused).toBe(true);
  });

  it("stops the others with the master when it ends, at its time", async () => {
    const [master, follower] = [fakeVideo(4), fakeVideo(5)] as const;
    const sync = new VideoSync();
    sync.setMedia([master, follower]);
    await sync.play();
    master.currentTime = 4;
    follower.currentTime = 3.98;
    master.pause();
    sync.tick();
    expect(follower.paused).toBe(true);
    expect(follower.currentTime).toBe(4);
  });

  it("seeks, steps frames and seconds, and pauses every video to the same time", async () => {
    const videos = [fakeVideo(), fakeVideo(4.5), fakeVideo()];
    const sync = new VideoSync();
    sync.setMedia(videos);
    sync.seek(1.234);
    expect(videos.map((v) => v.currentTime)).toEqual([1.234, 1.234, 1.234]);
    sync.step(1);
    expect(videos[0]?.currentTime).toBeCloseTo(1.234 + FRAME_SECONDS);
    sync.step(-1, true);
    expect(videos[0]?.currentTime).toBeCloseTo(0.234 + FRAME_SECONDS);
    expect(spread(videos)).toBe(0);
    // Clamped to the shortest video.
    sync.seek(9);
    expect(videos.map((v) => v.currentTime)).toEqual([4.5, 4.5, 4.5]);
    await sync.play();
    expect(videos.every((v) => !v.paused)).toBe(true);
    expect(videos[0]?.currentTime).toBe(0);
    videos[1]!.currentTime = 0.02;
    sync.pause();
    expect(videos.every((v) => v.paused)).toBe(true);
    expect(spread(videos)).toBe(0);
  });

  it("tells its listeners once a video's length becomes known", () => {
    const video = { ...fakeVideo(), duration: Number.NaN };
    const sync = new VideoSync();
    sync.setMedia([video]);
    let told = 0;
    sync.subscribe(() => (told += 1));
    sync.tick();
    expect(told).toBe(0);
    video.duration = 5;
    sync.tick();
    expect(told).toBe(1);
    expect(sync.state().duration).toBe(5);
  });

  it("loops a range and sets the speed of every video", async () => {
    const [master, follower] = [fakeVideo(), fakeVideo()] as const;
    const sync = new VideoSync();
    sync.setMedia([master, follower]);
    sync.setRate(0.5);
    expect([master.playbackRate, follower.playbackRate]).toEqual([0.5, 0.5]);
    sync.setLoop({ from: 1, to: 2 });
    sync.seek(1);
    await sync.play();
    master.currentTime = 2.01;
    follower.currentTime = 2.01;
    sync.tick();
    expect([master.currentTime, follower.currentTime]).toEqual([1, 1]);
    // A range shorter than a frame is no loop.
    sync.setLoop({ from: 1, to: 1 + FRAME_SECONDS / 2 });
    expect(sync.state().loop).toBeNull();
  });
});

"use client";

/** What the controller needs of a video element (a plain object in unit tests). */
export interface SyncedMedia {
  currentTime: number;
  playbackRate: number;
  readonly paused: boolean;
  readonly duration: number;
  readonly seeking: boolean;
  /** HTMLMediaElement.readyState: from HAVE_FUTURE_DATA (3) on, a video can play on without waiting. */
  readonly readyState: number;
  play(): Promise<void>;
  pause(): void;
}

/**
 * One frame of a result: the results are 24 fps (the simulator's clips; Evolink does not document its output rate,
 * CONTRACT.md "The create request"), the lowest rate the model accepts for a reference.
 */
export const FRAME_SECONDS = 1 / 24;
/** Drift is corrected by nudging the follower's rate well before it reaches half a frame; past this, by a hold. */
const SEEK_DRIFT_SECONDS = 0.25;
const HAVE_FUTURE_DATA = 3;
const HALF_FRAME = FRAME_SECONDS / 2;
/**
 * How hard a drifting follower is pulled back: this much faster or slower per second of drift (a drift halves in
 * well under 0.1 s), at most 50 %, which a person does not see over the few frames it lasts.
 */
const NUDGE_PER_SECOND = 10;
const MAX_NUDGE = 0.5;
/** How far the master moves between two updates of the controls during playback. */
const TIME_SHOWN_EVERY = 0.1;
/** Rate changes smaller than this are not applied: each one re-anchors the browser's media clock. */
const RATE_STEP = 0.005;

export interface SyncState {
  time: number;
  duration: number;
  paused: boolean;
  rate: number;
  loop: { from: number; to: number } | null;
}

/**
 * Keeps several videos in lockstep under one set of controls. The first video is the master clock; every tick the
 * others are measured against it and corrected: a small drift by nudging their playback rate (no visible jump). A
 * video that is seeking or buffering, or a large drift (a stall, a late start, a machine starved of CPU), holds the
 * group: every video pauses at the master's time and all play on together once each can, so one slow video never
 * runs behind the others. Seeks, frame steps and pauses set every video to the same time at once, so a paused
 * compare is always exact.
 */
export class VideoSync {
  private media: SyncedMedia[] = [];
  private rate = 1;
  private loop: SyncState["loop"] = null;
  /** Play was pressed and not undone: what the controls show, whether or not the videos are moving right now. */
  private playing = false;
  /** Playing, but every video paused until the one that was behind, seeking or buffering can play on. */
  private holding = false;
  private listeners = new Set<() => void>();
  /** The master time last told to listeners by a tick: the clock on screen needs a few updates a second, not 60. */
  private shownTime = -1;
  private shownPaused = true;
  private shownDuration = Infinity;

  /** The videos in order, master first; a video that failed to load is simply left out. */
  setMedia(media: SyncedMedia[]): void {
    this.media = media;
    const master = media[0];
    for (const follower of media.slice(1)) {
      if (master) follower.currentTime = master.currentTime;
      follower.playbackRate = this.rate;
    }
    this.emit();
  }

  get master(): SyncedMedia | undefined {
    return this.media[0];
  }

  state(): SyncState {
    const master = this.master;
    return {
      time: master?.currentTime ?? 0,
      duration: Math.min(...this.media.map((media) => media.duration).filter((d) => Number.isFinite(d)), Infinity),
      paused: !this.playing,
      rate: this.rate,
      loop: this.loop,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async play(): Promise<void> {
    const master = this.master;
    if (!master) return;
    const end = this.loop?.to ?? this.state().duration;
    if (master.currentTime >= end - HALF_FRAME) this.seek(this.loop?.from ?? 0);
    this.playing = true;
    this.holding = false;
    // Muted or not, play() is allowed here: it runs in the click or key press that asked for it.
    await Promise.allSettled(this.media.map((media) => media.play()));
    this.emit();
  }

  pause(): void {
    this.playing = false;
    this.holding = false;
    for (const media of this.media) media.pause();
    this.seek(this.master?.currentTime ?? 0);
  }

  toggle(): Promise<void> | void {
    return this.playing ? this.pause() : this.play();
  }

  /** Every video to `time` (clamped to the shortest video). */
  seek(time: number): void {
    const clamped = Math.max(0, Math.min(time, this.state().duration || 0));
    for (const media of this.media) media.currentTime = clamped;
    this.emit();
  }

  /** Pauses, then moves every video by whole frames (or by seconds, with `seconds`). */
  step(frames: number, seconds = false): void {
    const base = this.master?.currentTime ?? 0;
    this.playing = false;
    this.holding = false;
    for (const media of this.media) media.pause();
    this.seek(base + (seconds ? frames : frames * FRAME_SECONDS));
  }

  setRate(rate: number): void {
    this.rate = rate;
    for (const media of this.media) media.playbackRate = rate;
    this.emit();
  }

  /** Plays `from`–`to` over and over; null plays to the end. */
  setLoop(loop: SyncState["loop"]): void {
    this.loop = loop && loop.to - loop.from >= FRAME_SECONDS ? loop : null;
    this.emit();
  }

  /**
   * One correction pass (run every animation frame while playing): wraps a loop, stops at the end, holds the group
   * for a video that cannot keep up, and pulls each follower back to the master. Returns the largest drift it
   * measured, in seconds.
   */
  tick(): number {
    const master = this.master;
    if (!master) return 0;
    const drifts = this.media.slice(1).map((follower) => follower.currentTime - master.currentTime);
    if (this.playing) this.correct(master, drifts);
    // Listeners re-render the controls: every tick would cost the main thread the time the correction needs.
    // A video's length is known only once its metadata arrives.
    const changed = this.playing === this.shownPaused || this.state().duration !== this.shownDuration;
    if (changed || Math.abs(master.currentTime - this.shownTime) >= TIME_SHOWN_EVERY) this.emit();
    return Math.max(0, ...drifts.map(Math.abs));
  }

  private correct(master: SyncedMedia, drifts: number[]): void {
    const followers = this.media.slice(1);
    if (this.loop && master.currentTime >= this.loop.to) {
      this.seek(this.loop.from);
      return this.hold(master);
    }
    // The end of the shortest video, or the browser stopped the master: the others stop with it, at its time.
    if (master.currentTime >= this.state().duration - HALF_FRAME || (master.paused && !this.holding)) {
      this.playing = false;
      for (const media of this.media) media.pause();
      return this.seek(master.currentTime);
    }
    const waiting = this.media.some((media) => media.seeking || media.readyState < HAVE_FUTURE_DATA);
    if (this.holding) {
      if (waiting) return;
      this.holding = false;
      for (const media of this.media) void media.play().catch(() => undefined);
      return;
    }
    const behind = drifts.some((drift) => Math.abs(drift) > SEEK_DRIFT_SECONDS);
    if (waiting || behind || followers.some((follower) => follower.paused)) return this.hold(master);
    followers.forEach((follower, index) => {
      const drift = drifts[index] ?? 0;
      const nudge =
        Math.abs(drift) > HALF_FRAME / 2 ? Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, drift * NUDGE_PER_SECOND)) : 0;
      const rate = this.rate * (1 - nudge);
      if (Math.abs(follower.playbackRate - rate) > RATE_STEP || nudge === 0) follower.playbackRate = rate;
    });
  }

  /** Pauses every video where the master is, moving only those that are not already within half a frame of it. */
  private hold(master: SyncedMedia): void {
    this.holding = true;
    for (const media of this.media) {
      media.pause();
      media.playbackRate = this.rate;
      if (Math.abs(media.currentTime - master.currentTime) > HALF_FRAME) media.currentTime = master.currentTime;
    }
  }

  private emit(): void {
    this.shownTime = this.master?.currentTime ?? 0;
    this.shownPaused = !this.playing;
    this.shownDuration = this.state().duration;
    for (const listener of this.listeners) listener();
  }
}

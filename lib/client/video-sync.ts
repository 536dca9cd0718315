"use client";

/** What the controller needs of a video element (a plain object in unit tests). */
export interface SyncedMedia {
  currentTime: number;
  playbackRate: number;
  readonly paused: boolean;
  readonly duration: number;
  readonly seeking: boolean;
  play(): Promise<void>;
  pause(): void;
}

/**
 * One frame of a result: the results are 24 fps (the simulator's clips; Evolink does not document its output rate,
 * CONTRACT.md "The create request"), the lowest rate the model accepts for a reference.
 */
export const FRAME_SECONDS = 1 / 24;
/** Drift is corrected by nudging the follower's rate well before it reaches half a frame; past this, by a seek. */
const SEEK_DRIFT_SECONDS = 0.25;
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
 * others are measured against it and corrected: a small drift by nudging their playback rate (no visible jump), a
 * large one (after a stall or a late start) by seeking them to the master's time. Seeks, frame steps and pauses
 * set every video to the same time at once, so a paused compare is always exact.
 */
export class VideoSync {
  private media: SyncedMedia[] = [];
  private rate = 1;
  private loop: SyncState["loop"] = null;
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
      paused: master?.paused ?? true,
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
    // Muted or not, play() is allowed here: it runs in the click or key press that asked for it.
    await Promise.allSettled(this.media.map((media) => media.play()));
    this.emit();
  }

  pause(): void {
    for (const media of this.media) media.pause();
    this.seek(this.master?.currentTime ?? 0);
  }

  toggle(): Promise<void> | void {
    return this.master?.paused === false ? this.pause() : this.play();
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
   * One correction pass (run every animation frame while playing): wraps a loop, then pulls each follower back to
   * the master. Returns the largest drift it measured, in seconds.
   */
  tick(): number {
    const master = this.master;
    if (!master) return 0;
    if (this.loop && !master.paused && master.currentTime >= this.loop.to) this.seek(this.loop.from);
    let largest = 0;
    for (const follower of this.media.slice(1)) {
      const drift = follower.currentTime - master.currentTime;
      largest = Math.max(largest, Math.abs(drift));
      // The master stopped (its end, or a stall the browser paused): the others stop with it, at its time.
      if (master.paused && !follower.paused) {
        follower.pause();
        follower.currentTime = master.currentTime;
      }
      if (master.paused || follower.seeking) {
        follower.playbackRate = this.rate;
        continue;
      }
      if (follower.paused) void follower.play().catch(() => undefined);
      if (Math.abs(drift) > SEEK_DRIFT_SECONDS) {
        follower.currentTime = master.currentTime;
        follower.playbackRate = this.rate;
        continue;
      }
      const nudge =
        Math.abs(drift) > HALF_FRAME / 2 ? Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, drift * NUDGE_PER_SECOND)) : 0;
      const rate = this.rate * (1 - nudge);
      if (Math.abs(follower.playbackRate - rate) > RATE_STEP || nudge === 0) follower.playbackRate = rate;
    }
    // Listeners re-render the controls: every tick would cost the main thread the time the correction needs.
    // A video's length is known only once its metadata arrives.
    const changed = master.paused !== this.shownPaused || this.state().duration !== this.shownDuration;
    if (changed || Math.abs(master.currentTime - this.shownTime) >= TIME_SHOWN_EVERY) this.emit();
    return largest;
  }

  private emit(): void {
    this.shownTime = this.master?.currentTime ?? 0;
    this.shownPaused = this.master?.paused ?? true;
    this.shownDuration = this.state().duration;
    for (const listener of this.listeners) listener();
  }
}

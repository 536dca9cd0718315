/** Test introspection: what clients sent and how often they polled. Never records headers (keys live there). */
export interface CreateLogEntry {
  at: number;
  body: unknown;
  taskId: string | null;
  /** HTTP status answered; 0 when a fault scenario held or dropped the connection instead. */
  status: number;
}

/** One upload attempt; fields are null when the request failed before they were known. */
export interface UploadLogEntry {
  at: number;
  fileName: string | null;
  uploadPath: string | null;
  size: number | null;
  mime: string | null;
  /** HTTP status; quota refusals answer 200, so `code` tells them apart. */
  status: number;
  code: number;
}

/** One callback POST attempt (CONTRACT.md, "Callbacks"). */
export interface CallbackLogEntry {
  at: number;
  taskId: string;
  /** The callback_url as the client sent it. */
  url: string;
  /** Where the POST actually went: differs from `url` only through the tunnel option. */
  deliveredTo: string;
  /** 1 for the first try, up to 4 with the documented retries. */
  attempt: number;
  /** The receiver's HTTP status, or null when there was none (timeout, refused connection). */
  status: number | null;
  error: string | null;
}

export class SimulatorLog {
  private creates: CreateLogEntry[] = [];
  private uploads: UploadLogEntry[] = [];
  private callbacks: CallbackLogEntry[] = [];
  private readonly taskGets = new Map<string, number>();
  private readonly resultGets = new Map<string, number>();

  recordCreate(entry: CreateLogEntry): void {
    this.creates.push(entry);
  }

  /** Creates already received whose body had this prompt (the third-refused scenario counts them). */
  createsWithPrompt(prompt: string): number {
    return this.creates.filter((entry) => (entry.body as { prompt?: unknown } | null)?.prompt === prompt).length;
  }

  recordUpload(entry: UploadLogEntry): void {
    this.uploads.push(entry);
  }

  recordCallback(entry: CallbackLogEntry): void {
    this.callbacks.push(entry);
  }

  countTaskGet(id: string): void {
    this.taskGets.set(id, (this.taskGets.get(id) ?? 0) + 1);
  }

  countResultGet(id: string): void {
    this.resultGets.set(id, (this.resultGets.get(id) ?? 0) + 1);
  }

  reset(): void {
    this.creates = [];
    this.uploads = [];
    this.callbacks = [];
    this.taskGets.clear();
    this.resultGets.clear();
  }

  toJSON(): {
    creates: CreateLogEntry[];
    uploads: UploadLogEntry[];
    callbacks: CallbackLogEntry[];
    taskGets: Record<string, number>;
    resultGets: Record<string, number>;
  } {
    return {
      creates: this.creates,
      uploads: this.uploads,
      callbacks: this.callbacks,
      taskGets: Object.fromEntries(this.taskGets),
      resultGets: Object.fromEntries(this.resultGets),
    };
  }
}

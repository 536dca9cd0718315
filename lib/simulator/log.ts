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

export class SimulatorLog {
  private creates: CreateLogEntry[] = [];
  private uploads: UploadLogEntry[] = [];
  private readonly taskGets = new Map<string, number>();
  private readonly resultGets = new Map<string, number>();

  recordCreate(entry: CreateLogEntry): void {
    this.creates.push(entry);
  }

  recordUpload(entry: UploadLogEntry): void {
    this.uploads.push(entry);
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
    this.taskGets.clear();
    this.resultGets.clear();
  }

  toJSON(): {
    creates: CreateLogEntry[];
    uploads: UploadLogEntry[];
    taskGets: Record<string, number>;
    resultGets: Record<string, number>;
  } {
    return {
      creates: this.creates,
      uploads: this.uploads,
      taskGets: Object.fromEntries(this.taskGets),
      resultGets: Object.fromEntries(this.resultGets),
    };
  }
}

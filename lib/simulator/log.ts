/** Test introspection: what clients sent and how often they polled. Never records headers (keys live there). */
export interface CreateLogEntry {
  at: number;
  body: unknown;
  taskId: string | null;
  status: number;
}

export class SimulatorLog {
  private creates: CreateLogEntry[] = [];
  private readonly taskGets = new Map<string, number>();
  private readonly resultGets = new Map<string, number>();

  recordCreate(entry: CreateLogEntry): void {
    this.creates.push(entry);
  }

  countTaskGet(id: string): void {
    this.taskGets.set(id, (this.taskGets.get(id) ?? 0) + 1);
  }

  countResultGet(id: string): void {
    this.resultGets.set(id, (this.resultGets.get(id) ?? 0) + 1);
  }

  reset(): void {
    this.creates = [];
    this.taskGets.clear();
    this.resultGets.clear();
  }

  toJSON(): { creates: CreateLogEntry[]; taskGets: Record<string, number>; resultGets: Record<string, number> } {
    return {
      creates: this.creates,
      taskGets: Object.fromEntries(this.taskGets),
      resultGets: Object.fromEntries(this.resultGets),
    };
  }
}

export interface TestEvent {
  readonly type: string;
  readonly data: {
    readonly name?: string;
    readonly file?: string;
    readonly nesting?: number;
    readonly skip?: string | boolean;
    readonly details?: {
      readonly type?: string;
      readonly error?: { readonly failureType?: string; readonly message?: string; readonly cause?: unknown };
    };
  };
}
export declare function summaryCollector(cwd?: string): { see(ev: TestEvent): void; lines(): string[] };

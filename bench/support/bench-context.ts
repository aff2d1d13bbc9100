// What every benchmark receives: the mode, and a place to say what it is doing (long runs should
// not look hung).
export interface BenchContext {
  quick: boolean;
  progress: (message: string) => void;
}

export function pick<T>(context: BenchContext, full: T, quick: T): T {
  return context.quick ? quick : full;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

import type { JobFinished, JobProgress } from '../../preload/contract';
import { AppService } from '../api/service';
import { defaultDataRoot } from '../api/data-root';
import { CliError, progressPrinter } from './output';

/**
 * A headless AppService for one CLI command: events become a stderr progress bar, and
 * Ctrl+C cancels the running job cleanly (what was written stays written).
 */
export function cliService(label: string): {
  service: AppService;
  waitFor(jobId: string): Promise<JobFinished>;
} {
  const printer = progressPrinter(label);
  const waiting = new Map<string, (f: JobFinished) => void>();
  const finishedEarly = new Map<string, JobFinished>();
  const service = new AppService({
    mode: 'serve',
    dataRoot: defaultDataRoot(),
    emit: (event, payload) => {
      if (event === 'job.progress') printer.update(payload as JobProgress);
      if (event === 'job.finished') {
        const f = payload as JobFinished;
        const resolve = waiting.get(f.jobId);
        if (resolve) resolve(f);
        else finishedEarly.set(f.jobId, f);
      }
    },
  });
  return {
    service,
    waitFor(jobId) {
      const onSigint = () => {
        process.stderr.write('\nCancelling… (what is already written is kept)\n');
        void service.call('job.cancel', { jobId });
      };
      process.once('SIGINT', onSigint);
      return new Promise<JobFinished>((resolve) => {
        const early = finishedEarly.get(jobId);
        if (early) return resolve(early);
        waiting.set(jobId, resolve);
      }).finally(() => {
        printer.end();
        process.off('SIGINT', onSigint);
      });
    },
  };
}

export function assertJobOk(f: JobFinished): void {
  if (f.status === 'error') throw new CliError(f.error ?? 'The job failed.');
  if (f.status === 'cancelled') throw new CliError('Cancelled. Run the same command again to continue where it stopped.', 130);
}

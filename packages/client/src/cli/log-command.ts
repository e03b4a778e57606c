import type { IicsClient } from '../client.js';
import type { JobRef } from '../status.js';
import type { CliStream } from './output.js';

/** Which run `log` and `report` are about: a run by ids, or the newest ended run of a task by name or path. */
export type RunSelector = { taskId: string; runId: number } | { taskName: string; taskType?: string } | { path: string; taskType?: string };

export interface LogCommandOptions {
  run: RunSelector;
  signal?: AbortSignal;
}

/** The run's ids: as given, or the newest ended run of the named task. */
export async function resolveRun(client: IicsClient, run: RunSelector, signal?: AbortSignal): Promise<JobRef> {
  if ('taskId' in run) return { taskId: run.taskId, runId: run.runId };
  const options = signal ? { signal } : {};
  const found = await client.jobs.latestRun('taskName' in run ? { taskName: run.taskName, ...typeOf(run) } : { path: run.path, ...typeOf(run) }, options);
  return { taskId: found.taskId, runId: found.runId };
}

/**
 * `iics-job log`: the session log on stdout as it arrives (a taskflow's logs one after the other,
 * each under a `==> name <==` line). Nothing of it is kept in memory; a slow stdout slows the download.
 */
export async function runLog(client: IicsClient, options: LogCommandOptions, stdout: CliStream): Promise<void> {
  const ref = await resolveRun(client, options.run, options.signal);
  let pendingHeader = '';
  await client.jobs.pipeLog(
    ref,
    {
      file: (info, position) => {
        // A task's log is printed as it is; a taskflow's tasks each get a header line.
        if (position.of > 1) pendingHeader = `==> ${info.taskName ?? info.taskId ?? 'task'} run ${info.runId}${info.fileName ? `: ${info.fileName}` : ''} <==\n`;
      },
      write: async (text) => {
        if (pendingHeader) {
          await write(stdout, pendingHeader);
          pendingHeader = '';
        }
        await write(stdout, text);
      },
    },
    options.signal ? { signal: options.signal } : {},
  );
}

function typeOf(run: { taskType?: string }): { taskType?: string } {
  return run.taskType !== undefined ? { taskType: run.taskType } : {};
}

/** Writes and waits for 'drain' when the stream asks for it. */
export async function write(stream: CliStream, text: string): Promise<void> {
  const ok = stream.write(text);
  const emitter = stream as CliStream & { once?: (event: string, listener: () => void) => unknown };
  if (ok === false && typeof emitter.once === 'function') {
    await new Promise<void>((resolve) => {
      emitter.once!('drain', resolve);
      emitter.once!('close', resolve);
    });
  }
}

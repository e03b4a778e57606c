import { TASK_TYPES } from '@iics-jobs/schema';
import { RUN_REPORT_LINES } from './report-format.js';

const TASK = `  --task-name NAME         the task's name (Default folder)
  --task-id ID             the v2 task id (Default folder)
  --federated-id ID        the federated task id (any folder)
  --path PATH              the task's path, e.g. "Sales/TEST/MT_Load" (resolved by lookup)
  --task-type TYPE         ${TASK_TYPES.join(' | ')} (required)`;

const COMMON = `  --json                   JSON lines on stdout (the default when stdout is not a terminal)
  --request-timeout DUR    timeout of one request to IICS (default 60s)
  --verbose                log requests, retries and re-logins to stderr
  -h, --help               this help`;

const ENV = `Environment:
  IICS_LOGIN_URL           login host, e.g. https://dm-us.informaticacloud.com (required)
  IICS_USERNAME            (required)
  IICS_PASSWORD            (required; there is no password option)
  IICS_API_VERSION         v2 (default) or v3 login`;

const EXITS = `Exit codes (as Informatica's RunAJob):
  0 success   1 warning   2 started, not waited (--no-wait)   3 failed
  4 a request to IICS timed out   5 error (login, API, polling)
  6 still running when --timeout ended the wait (the job goes on)
  7 the start was rejected (unknown task, wrong type)   255 unexpected exception
  64 usage error   130 interrupted (the job goes on)`;

export const MAIN_HELP = `Usage: iics-job <command> [options]

Start, watch and stop Informatica Intelligent Cloud Services (IICS) jobs.

Commands:
  run       start a task or linear taskflow and wait for its end
  status    show the state of one run
  stop      stop a running task
  log       print the session log of a run
  report    why a run failed: its error, rows per transformation, the log's last lines
  logs      download the log files of a file ingestion job (MI_TASK)

File ingestion and replication tasks: "iics-job run --task-type MI_TASK --help".

Run "iics-job <command> --help" for a command's options.

${ENV}

${EXITS}
`;

export const RUN_HELP = `Usage: iics-job run (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [options]

Starts the task and, unless --no-wait, polls until it ends.

${TASK}
  --callback-url URL       IICS posts the job's end to this URL
  --param-file-name NAME   parameter file on the Secure Agent (with --param-file-dir)
  --param-file-dir DIR
  --no-wait                exit 2 right after the start
  --poll-interval DUR      time between polls (default 10s)
  --timeout DUR            stop waiting after DUR and exit 6 (default: wait for the end)
  -q, --quiet              print nothing, not even the report of a failed run: only the exit code
${COMMON}

A run that ends FAILED or WARNING is followed by a short report: its error, the rows of each
transformation and the last ${RUN_REPORT_LINES} lines of its session log.

Durations: 500ms, 10s, 5m, 2h, 1h30m, or a number of seconds.

${ENV}

${EXITS}
`;

export const STATUS_HELP = `Usage: iics-job status --task-id I --run-id R [options]

Shows the state of one run; exits 0/1/3 for an ended run, 6 while it runs.

  --task-id ID             the v2 task id that "run" printed
  --run-id N               the run id that "run" printed
${COMMON}

${ENV}

${EXITS}
`;

export const STOP_HELP = `Usage: iics-job stop (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [--clean] [options]

Stops the running task (IICS stops a task, not one run).

${TASK}
  --clean                  clean stop (?cleanStop=true)
${COMMON}

${ENV}

${EXITS}
`;

const RUN_SELECTOR = `  --task-id ID --run-id N  the run ("run" printed both)
  --task-name NAME         or: the newest ended run of this task (in the last 1000 activity log entries)
  --path PATH              or: the same, by path (matched by its last part, the task name)
  --task-type TYPE         with --task-name or --path: only runs of this type`;

export const LOG_HELP = `Usage: iics-job log (--task-id I --run-id R | --task-name N | --path P) [options]

Prints the session log of an ended run on stdout as it arrives (a zip answer is unpacked). For a
linear taskflow, the log of each of its tasks, each under a "==> name run N: file <==" line.
Exits 5 when the run has no log (not ended, or no such run).

${RUN_SELECTOR}
  --request-timeout DUR    timeout of one request to IICS (default 60s; a large log needs its whole download within it)
  --verbose                log requests, retries and re-logins to stderr
  -h, --help               this help

${ENV}
`;

export const REPORT_HELP = `Usage: iics-job report (--task-id I --run-id R | --task-name N | --path P) [--lines N] [options]

Why a run failed: its state, error message, the rows of each transformation, and the last lines of
its session log (of each task, for a linear taskflow). Exits like "status": 0/1/3 for an ended run.

${RUN_SELECTOR}
  --lines N                log lines to show from the end (default 20; 0: none)
${COMMON}

${ENV}

${EXITS}
`;

export const SHORT_USAGE = `Usage: iics-job run    (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [--no-wait] [--timeout DUR] [--json]
       iics-job status --task-id I --run-id R [--json]
       iics-job stop   (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [--clean] [--json]
       iics-job log    (--task-id I --run-id R | --task-name N | --path P)
       iics-job report (--task-id I --run-id R | --task-name N | --path P) [--lines N] [--json]
Run "iics-job <command> --help" for details.
`;

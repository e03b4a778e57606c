import { TASK_TYPES } from '@iics-jobs/schema';

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
  run       start a task or linear taskflow (or several, or a pattern) and wait for the end
  list      list the tasks a path pattern matches, without running them
  status    show the state of one run
  stop      stop a running task
  logs      download the log files of a file ingestion job (MI_TASK)

File ingestion and replication tasks: "iics-job run --task-type MI_TASK --help".

Run "iics-job <command> --help" for a command's options.

${ENV}

${EXITS}
`;

export const RUN_HELP = `Usage: iics-job run (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [options]
       iics-job run --path 'Sales/*/MT_Load_?' [--path P ...] [--task-name N ...] [--concurrency N] [--stop-on-failure]

Starts the task and, unless --no-wait, polls until it ends. Several tasks: give the task flags
several times, a pattern (* and ? within a part of the path, ** across folders; --task-name
patterns look in the Default folder), or --from-file. They run in the order given (patterns in
path order), --concurrency at a time; the same task never twice at once. At the end a table of
task, run, state, duration and rows (with --json: one line per task); the exit code is the worst
outcome, in RunAJob's order 7 > 5 > 4 > 3 > 6 > 1 > 0. --timeout then applies to each task.

${TASK}
                           (--task-type is optional for --path and patterns: each task runs with its own type)
  --concurrency N          how many tasks run at once (default 1, at most 100)
  --stop-on-failure        after a task fails or cannot start, start no more
  --from-file FILE         tasks from FILE: a path or pattern a line (# comments), or a JSON array
                           of paths and objects such as {"taskName": "MT_Load", "taskType": "MTT"}
  --callback-url URL       IICS posts the job's end to this URL
  --param-file-name NAME   parameter file on the Secure Agent (with --param-file-dir)
  --param-file-dir DIR
  --no-wait                exit 2 right after the start
  --poll-interval DUR      time between polls (default 10s)
  --timeout DUR            stop waiting after DUR and exit 6 (default: wait for the end)
${COMMON}

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

export const LIST_HELP = `Usage: iics-job list --path PATTERN [--path PATTERN ...] [--task-type T] [options]

Lists the tasks the patterns match (path, type, federated id), without running them:
* and ? within a part of the path, ** across folders, e.g. --path 'Sales/**'.
Without --task-type, the task types the job resource runs. No match is an error (exit 5).

  --path PATTERN           a path pattern (may be repeated)
  --task-type TYPE         only assets of this type
${COMMON}

${ENV}
`;

export const SHORT_USAGE = `Usage: iics-job run    (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [--no-wait] [--timeout DUR] [--json]
       iics-job run    --path PATTERN ... [--concurrency N] [--stop-on-failure] [--from-file FILE]
       iics-job list   --path PATTERN [--task-type T] [--json]
       iics-job status --task-id I --run-id R [--json]
       iics-job stop   (--task-name N | --task-id I | --federated-id F | --path P) --task-type T [--clean] [--json]
Run "iics-job <command> --help" for details.
`;

export const ENV_HELP = `Environment:
  IICS_LOGIN_URL           login host, e.g. https://dm-us.informaticacloud.com (required)
  IICS_USERNAME            (required)
  IICS_PASSWORD            (required; there is no password option)
  IICS_API_VERSION         v2 (default) or v3 login`;

export const EXITS_HELP = `Exit codes (as Informatica's RunAJob):
  0 success   1 warning   2 started, not waited (--no-wait)   3 failed
  4 a request to IICS timed out   5 error (login, API, polling)
  6 still running when --timeout ended the wait (the job goes on)
  7 the start was rejected (unknown task, wrong type)   255 unexpected exception
  64 usage error   130 interrupted (the job goes on)`;

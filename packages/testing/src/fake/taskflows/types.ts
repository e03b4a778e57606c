/** How a fake taskflow's step (or, for its last step, the whole taskflow) ends. */
export type FakeTaskflowOutcome = 'success' | 'failed' | 'suspended';

/** RUNNING until it ends; SUSPENDED waits for a resume; STOPPED after a terminate (the real value is unconfirmed). */
export type FakeTaskflowState = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SUSPENDED' | 'STOPPED';

/** A step of a published taskflow: a task it runs, in order. */
export interface FakeTaskflowStep {
  name: string;
  /** The step's asset type in the status (default "MTT"). */
  type?: string;
  /** Fake ms the step runs (default: the taskflow's durationMs split evenly over its steps). */
  durationMs?: number;
  /** Default "success"; the last step defaults to the taskflow's own outcome. */
  outcome?: FakeTaskflowOutcome;
}

/** An advanced taskflow published as an API (`/active-bpel/rt/<apiName>`); give it in `tasks` like a task. */
export interface FakeTaskflowDefinition {
  type: 'TASKFLOW';
  /** The API name: letters, digits, `_` and `-`, at most 80 characters. */
  apiName: string;
  /** Default: the API name. */
  name?: string;
  /** Project and folder (default "Default"). */
  location?: string;
  /** Fake ms from start to end (default 30 000), split over the steps that give none. */
  durationMs?: number;
  /** Default "success": how the last step ends, unless it says so itself. */
  outcome?: FakeTaskflowOutcome;
  /** Default: two steps, `<name>_Step1` and `<name>_Step2`. */
  steps?: FakeTaskflowStep[];
}

export interface FakeTaskflow {
  readonly type: 'TASKFLOW';
  readonly apiName: string;
  readonly name: string;
  readonly location: string;
  readonly durationMs: number;
  readonly steps: readonly Required<FakeTaskflowStep>[];
}

export interface FakeTaskflowStepRun {
  readonly name: string;
  readonly type: string;
  /** Not yet started: "NOT_STARTED"; a skipped step: "SKIPPED". */
  readonly state: 'NOT_STARTED' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SKIPPED' | 'STOPPED';
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly errorMessage?: string;
}

export interface FakeTaskflowRun {
  /** 18 to 20 digits, always above 2^53: only a client that keeps it as a string gets it right. */
  readonly runId: string;
  readonly apiName: string;
  readonly name: string;
  /** `<name>-<instanceName>-<runId>` when started with a TF-INSTANCE-NAME header, else the name. */
  readonly assetName: string;
  readonly instanceName?: string;
  readonly state: FakeTaskflowState;
  /** Fake-clock epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly startedBy: string;
  /** How the run was authenticated. */
  readonly auth: 'session' | 'basic';
  /** The inputs as received: query values (strings) for GET, the JSON body for POST. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly method: 'GET' | 'POST';
  readonly steps: readonly FakeTaskflowStepRun[];
  readonly resumes: readonly { readonly at: number; readonly mode: 'retry' | 'skip'; readonly by: string }[];
  readonly terminatedBy?: string;
  readonly errorMessage?: string;
}

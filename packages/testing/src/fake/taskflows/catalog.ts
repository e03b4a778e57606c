import { checkMs } from '../../checks.js';
import type { FakeTaskflow, FakeTaskflowDefinition, FakeTaskflowOutcome, FakeTaskflowStep } from './types.js';

export const DEFAULT_TASKFLOW_DURATION_MS = 30_000;
const OUTCOMES: readonly FakeTaskflowOutcome[] = ['success', 'failed', 'suspended'];
const DEFINITION_KEYS = ['type', 'apiName', 'name', 'location', 'durationMs', 'outcome', 'steps'] as const;
const STEP_KEYS = ['name', 'type', 'durationMs', 'outcome'] as const;
/** As Informatica documents API names: alphanumerics, `_` and `-`, at most 80 characters. */
export const API_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** The taskflows a fake publishes when the options name no tasks. */
export function defaultTaskflowDefinitions(): FakeTaskflowDefinition[] {
  return [
    { type: 'TASKFLOW', apiName: 'TF_Orders' },
    { type: 'TASKFLOW', apiName: 'TF_Fails', outcome: 'failed' },
    { type: 'TASKFLOW', apiName: 'TF_Suspends', outcome: 'suspended' },
  ];
}

/** Is this task definition a published taskflow (to be served under /active-bpel)? */
export function isTaskflowDefinition(definition: unknown): definition is FakeTaskflowDefinition {
  return (
    definition !== null &&
    typeof definition === 'object' &&
    typeof (definition as { type?: unknown }).type === 'string' &&
    (definition as { type: string }).type.toUpperCase() === 'TASKFLOW'
  );
}

/** The published taskflows, by API name. Definitions are checked: an unknown key or value is a TypeError naming it. */
export class TaskflowCatalog {
  readonly list: FakeTaskflow[] = [];

  byApiName(apiName: string): FakeTaskflow | undefined {
    return this.list.find((taskflow) => taskflow.apiName === apiName);
  }

  add(definition: FakeTaskflowDefinition, where = 'taskflow'): FakeTaskflow {
    if (!isTaskflowDefinition(definition)) throw new TypeError(`${where} must be an object like { type: "TASKFLOW", apiName: "TF_Orders" }`);
    unknownKeys(definition, DEFINITION_KEYS, where);
    const { apiName } = definition;
    if (typeof apiName !== 'string' || !API_NAME.test(apiName)) {
      throw new TypeError(`${where}.apiName must be 1 to 80 letters, digits, "_" or "-", got ${JSON.stringify(apiName)}`);
    }
    if (this.byApiName(apiName)) throw new TypeError(`${where}.apiName ${JSON.stringify(apiName)} is published already`);
    const name = definition.name ?? apiName;
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`${where}.name must be a non-empty string`);
    const location = definition.location ?? 'Default';
    if (typeof location !== 'string' || location.trim() === '') throw new TypeError(`${where}.location must be a non-empty string such as "Default"`);
    const durationMs = definition.durationMs === undefined ? DEFAULT_TASKFLOW_DURATION_MS : checkMs(definition.durationMs, `${where}.durationMs`, 'atLeast0');
    const outcome = checkOutcome(definition.outcome ?? 'success', `${where}.outcome`);

    const stepDefinitions = definition.steps ?? [{ name: `${name}_Step1` }, { name: `${name}_Step2` }];
    if (!Array.isArray(stepDefinitions) || stepDefinitions.length === 0) throw new TypeError(`${where}.steps must be a non-empty array of { name }`);
    const share = Math.floor(durationMs / stepDefinitions.length);
    const steps = stepDefinitions.map((step: FakeTaskflowStep, i) => {
      const at = `${where}.steps[${i}]`;
      if (step === null || typeof step !== 'object' || Array.isArray(step)) throw new TypeError(`${at} must be an object like { name: "MT_Load" }`);
      unknownKeys(step, STEP_KEYS, at);
      if (typeof step.name !== 'string' || step.name.trim() === '') throw new TypeError(`${at}.name must be a non-empty string`);
      const type = step.type ?? 'MTT';
      if (typeof type !== 'string' || type === '') throw new TypeError(`${at}.type must be a non-empty string such as "MTT"`);
      const last = i === stepDefinitions.length - 1;
      return Object.freeze({
        name: step.name,
        type,
        durationMs: step.durationMs === undefined ? share : checkMs(step.durationMs, `${at}.durationMs`, 'atLeast0'),
        outcome: checkOutcome(step.outcome ?? (last ? outcome : 'success'), `${at}.outcome`),
      });
    });
    const taskflow: FakeTaskflow = Object.freeze({ type: 'TASKFLOW', apiName, name, location, durationMs, steps: Object.freeze(steps) });
    this.list.push(taskflow);
    return taskflow;
  }
}

function checkOutcome(value: unknown, where: string): FakeTaskflowOutcome {
  if (!OUTCOMES.includes(value as FakeTaskflowOutcome)) {
    throw new TypeError(`${where} must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as FakeTaskflowOutcome;
}

function unknownKeys(value: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${where}.${key} is not a taskflow setting; the settings are ${known.join(', ')}`);
  }
}

import type { ActivityLogEntryDetail, ActivityLogEntryItem } from '@iics-jobs/schema';
import { iicsEasternTime, iicsUtcTime } from '../time.js';
import { MESSAGES, RUN_CONTEXT_TYPE, logEntryItemAttrs, transformationEntries, type RunRecord } from './runs.js';

/**
 * `GET /activityLog/{id}`: the real answer's shape, which is not the list's. The top level adds
 * `orgId`; the children are `items` of `activityLogEntryItem`s, which have Eastern times only and
 * `children` instead of `entries`.
 */
export function logEntryDetail(run: RunRecord, orgId: string): ActivityLogEntryDetail {
  const v = run.view;
  const detail: ActivityLogEntryDetail = {
    '@type': 'activityLogEntry',
    id: run.logId,
    type: v.taskType,
    objectId: v.taskId,
    objectName: v.taskName,
    runId: v.runId,
    startTime: iicsEasternTime(v.startedAt),
    endTime: iicsEasternTime(v.endedAt!),
    startTimeUtc: iicsUtcTime(v.startedAt),
    endTimeUtc: iicsUtcTime(v.endedAt!),
    state: v.activityState!,
    ...run.rows,
    startedBy: v.startedBy,
    runContextType: RUN_CONTEXT_TYPE,
    orgId,
    totalSuccessRows: 0,
    totalFailedRows: 0,
    stopOnError: false,
    hasStopOnErrorRecord: false,
  };
  if (run.errorMsg !== undefined) detail.errorMsg = run.errorMsg;
  // A taskflow by id has no real sample: the fake puts its tasks in the `children` of one item.
  detail.items = [run.task.type === 'WORKFLOW' ? taskflowItem(run) : sessionItem(run, '')];
  return detail;
}

/** A task's session, as the real sample shows it (objectName empty on the task's own entry). */
function sessionItem(run: RunRecord, objectName: string): ActivityLogEntryItem {
  const v = run.view;
  return {
    '@type': 'activityLogEntryItem',
    id: run.sessionLogId,
    type: v.taskType,
    objectId: v.taskId,
    objectName,
    runId: v.runId,
    agentId: run.agentId,
    runtimeEnvironmentId: run.runtimeEnvironmentId,
    startTime: iicsEasternTime(v.startedAt),
    endTime: iicsEasternTime(v.endedAt!),
    state: v.activityState!,
    errorMsg: run.errorMsg ?? MESSAGES.success,
    logEntryItemAttrs: logEntryItemAttrs(run),
    startedBy: v.startedBy,
    runContextType: RUN_CONTEXT_TYPE,
    children: [],
    transformationEntries: transformationEntries(run),
    sequenceValues: [],
    inOutParameterValues: [],
  };
}

function taskflowItem(run: RunRecord): ActivityLogEntryItem {
  const v = run.view;
  return {
    '@type': 'activityLogEntryItem',
    id: run.sessionLogId,
    type: v.taskType,
    objectId: v.taskId,
    objectName: v.taskName,
    runId: v.runId,
    startTime: iicsEasternTime(v.startedAt),
    endTime: iicsEasternTime(v.endedAt!),
    state: v.activityState!,
    errorMsg: run.errorMsg ?? MESSAGES.success,
    startedBy: v.startedBy,
    runContextType: RUN_CONTEXT_TYPE,
    children: run.children.map((child) => sessionItem(child, child.view.taskName)),
    transformationEntries: [],
    sequenceValues: [],
    inOutParameterValues: [],
  };
}

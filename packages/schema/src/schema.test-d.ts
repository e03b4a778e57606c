import type { Static } from '@sinclair/typebox';
import { expectTypeOf, test } from 'vitest';
import type { components } from './generated/openapi.js';
import * as S from './index.js';

type C = components['schemas'];

// One assertion per component schema: the TypeBox schema's static type equals the type openapi-typescript
// generated from the same spec. schema.test.ts checks that this list names every component schema.
test('RunId: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.RunId>>().toEqualTypeOf<C['RunId']>();
  expectTypeOf<S.RunId>().toEqualTypeOf<C['RunId']>();
});
test('LoginV2Request: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV2Request>>().toEqualTypeOf<C['LoginV2Request']>();
  expectTypeOf<S.LoginV2Request>().toEqualTypeOf<C['LoginV2Request']>();
});
test('LoginV2Response: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV2Response>>().toEqualTypeOf<C['LoginV2Response']>();
  expectTypeOf<S.LoginV2Response>().toEqualTypeOf<C['LoginV2Response']>();
});
test('UserRole: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.UserRole>>().toEqualTypeOf<C['UserRole']>();
  expectTypeOf<S.UserRole>().toEqualTypeOf<C['UserRole']>();
});
test('UserGroup: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.UserGroup>>().toEqualTypeOf<C['UserGroup']>();
  expectTypeOf<S.UserGroup>().toEqualTypeOf<C['UserGroup']>();
});
test('LoginV3Request: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV3Request>>().toEqualTypeOf<C['LoginV3Request']>();
  expectTypeOf<S.LoginV3Request>().toEqualTypeOf<C['LoginV3Request']>();
});
test('LoginV3Response: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV3Response>>().toEqualTypeOf<C['LoginV3Response']>();
  expectTypeOf<S.LoginV3Response>().toEqualTypeOf<C['LoginV3Response']>();
});
test('LoginV3Product: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV3Product>>().toEqualTypeOf<C['LoginV3Product']>();
  expectTypeOf<S.LoginV3Product>().toEqualTypeOf<C['LoginV3Product']>();
});
test('LoginV3UserInfo: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LoginV3UserInfo>>().toEqualTypeOf<C['LoginV3UserInfo']>();
  expectTypeOf<S.LoginV3UserInfo>().toEqualTypeOf<C['LoginV3UserInfo']>();
});
test('TaskType: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskType>>().toEqualTypeOf<C['TaskType']>();
  expectTypeOf<S.TaskType>().toEqualTypeOf<C['TaskType']>();
});
test('JobRuntime: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.JobRuntime>>().toEqualTypeOf<C['JobRuntime']>();
  expectTypeOf<S.JobRuntime>().toEqualTypeOf<C['JobRuntime']>();
});
test('JobRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.JobRequest>>().toEqualTypeOf<C['JobRequest']>();
  expectTypeOf<S.JobRequest>().toEqualTypeOf<C['JobRequest']>();
});
test('JobResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.JobResponse>>().toEqualTypeOf<C['JobResponse']>();
  expectTypeOf<S.JobResponse>().toEqualTypeOf<C['JobResponse']>();
});
test('JobStopRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.JobStopRequest>>().toEqualTypeOf<C['JobStopRequest']>();
  expectTypeOf<S.JobStopRequest>().toEqualTypeOf<C['JobStopRequest']>();
});
test('SuccessResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.SuccessResponse>>().toEqualTypeOf<C['SuccessResponse']>();
  expectTypeOf<S.SuccessResponse>().toEqualTypeOf<C['SuccessResponse']>();
});
test('ActivityMonitorEntry: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ActivityMonitorEntry>>().toEqualTypeOf<C['ActivityMonitorEntry']>();
  expectTypeOf<S.ActivityMonitorEntry>().toEqualTypeOf<C['ActivityMonitorEntry']>();
});
test('ActivityLogEntry: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ActivityLogEntry>>().toEqualTypeOf<C['ActivityLogEntry']>();
  expectTypeOf<S.ActivityLogEntry>().toEqualTypeOf<C['ActivityLogEntry']>();
});
test('ActivityLogEntryDetail: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ActivityLogEntryDetail>>().toEqualTypeOf<C['ActivityLogEntryDetail']>();
  expectTypeOf<S.ActivityLogEntryDetail>().toEqualTypeOf<C['ActivityLogEntryDetail']>();
});
test('ActivityLogEntryItem: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ActivityLogEntryItem>>().toEqualTypeOf<C['ActivityLogEntryItem']>();
  expectTypeOf<S.ActivityLogEntryItem>().toEqualTypeOf<C['ActivityLogEntryItem']>();
});
test('ValidatedTokenRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ValidatedTokenRequest>>().toEqualTypeOf<C['ValidatedTokenRequest']>();
  expectTypeOf<S.ValidatedTokenRequest>().toEqualTypeOf<C['ValidatedTokenRequest']>();
});
test('ValidatedTokenResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ValidatedTokenResponse>>().toEqualTypeOf<C['ValidatedTokenResponse']>();
  expectTypeOf<S.ValidatedTokenResponse>().toEqualTypeOf<C['ValidatedTokenResponse']>();
});
test('ServerTimeResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ServerTimeResponse>>().toEqualTypeOf<C['ServerTimeResponse']>();
  expectTypeOf<S.ServerTimeResponse>().toEqualTypeOf<C['ServerTimeResponse']>();
});
test('TransformationLogEntry: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TransformationLogEntry>>().toEqualTypeOf<C['TransformationLogEntry']>();
  expectTypeOf<S.TransformationLogEntry>().toEqualTypeOf<C['TransformationLogEntry']>();
});
test('LookupRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LookupRequest>>().toEqualTypeOf<C['LookupRequest']>();
  expectTypeOf<S.LookupRequest>().toEqualTypeOf<C['LookupRequest']>();
});
test('LookupRequestObject: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LookupRequestObject>>().toEqualTypeOf<C['LookupRequestObject']>();
  expectTypeOf<S.LookupRequestObject>().toEqualTypeOf<C['LookupRequestObject']>();
});
test('LookupResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LookupResponse>>().toEqualTypeOf<C['LookupResponse']>();
  expectTypeOf<S.LookupResponse>().toEqualTypeOf<C['LookupResponse']>();
});
test('LookupObject: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.LookupObject>>().toEqualTypeOf<C['LookupObject']>();
  expectTypeOf<S.LookupObject>().toEqualTypeOf<C['LookupObject']>();
});
test('ObjectsResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ObjectsResponse>>().toEqualTypeOf<C['ObjectsResponse']>();
  expectTypeOf<S.ObjectsResponse>().toEqualTypeOf<C['ObjectsResponse']>();
});
test('ObjectsEntry: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.ObjectsEntry>>().toEqualTypeOf<C['ObjectsEntry']>();
  expectTypeOf<S.ObjectsEntry>().toEqualTypeOf<C['ObjectsEntry']>();
});
test('V2Error: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.V2Error>>().toEqualTypeOf<C['V2Error']>();
  expectTypeOf<S.V2Error>().toEqualTypeOf<C['V2Error']>();
});
test('V3Error: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.V3Error>>().toEqualTypeOf<C['V3Error']>();
  expectTypeOf<S.V3Error>().toEqualTypeOf<C['V3Error']>();
});
test('V3ErrorBody: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.V3ErrorBody>>().toEqualTypeOf<C['V3ErrorBody']>();
  expectTypeOf<S.V3ErrorBody>().toEqualTypeOf<C['V3ErrorBody']>();
});
test('V3ErrorDetail: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.V3ErrorDetail>>().toEqualTypeOf<C['V3ErrorDetail']>();
  expectTypeOf<S.V3ErrorDetail>().toEqualTypeOf<C['V3ErrorDetail']>();
});
test('CallbackUrlResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.CallbackUrlResponse>>().toEqualTypeOf<C['CallbackUrlResponse']>();
  expectTypeOf<S.CallbackUrlResponse>().toEqualTypeOf<C['CallbackUrlResponse']>();
});
test('FileIngestionJobRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionJobRequest>>().toEqualTypeOf<C['FileIngestionJobRequest']>();
  expectTypeOf<S.FileIngestionJobRequest>().toEqualTypeOf<C['FileIngestionJobRequest']>();
});
test('FileIngestionParameters: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionParameters>>().toEqualTypeOf<C['FileIngestionParameters']>();
  expectTypeOf<S.FileIngestionParameters>().toEqualTypeOf<C['FileIngestionParameters']>();
});
test('FileIngestionParameterCategory: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionParameterCategory>>().toEqualTypeOf<C['FileIngestionParameterCategory']>();
  expectTypeOf<S.FileIngestionParameterCategory>().toEqualTypeOf<C['FileIngestionParameterCategory']>();
});
test('FileIngestionParameter: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionParameter>>().toEqualTypeOf<C['FileIngestionParameter']>();
  expectTypeOf<S.FileIngestionParameter>().toEqualTypeOf<C['FileIngestionParameter']>();
});
test('FileIngestionVariable: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionVariable>>().toEqualTypeOf<C['FileIngestionVariable']>();
  expectTypeOf<S.FileIngestionVariable>().toEqualTypeOf<C['FileIngestionVariable']>();
});
test('FileIngestionRunIdValue: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionRunIdValue>>().toEqualTypeOf<C['FileIngestionRunIdValue']>();
  expectTypeOf<S.FileIngestionRunIdValue>().toEqualTypeOf<C['FileIngestionRunIdValue']>();
});
test('FileIngestionJobResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionJobResponse>>().toEqualTypeOf<C['FileIngestionJobResponse']>();
  expectTypeOf<S.FileIngestionJobResponse>().toEqualTypeOf<C['FileIngestionJobResponse']>();
});
test('FileIngestionJobStatus: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionJobStatus>>().toEqualTypeOf<C['FileIngestionJobStatus']>();
  expectTypeOf<S.FileIngestionJobStatus>().toEqualTypeOf<C['FileIngestionJobStatus']>();
});
test('FileIngestionFileStatus: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionFileStatus>>().toEqualTypeOf<C['FileIngestionFileStatus']>();
  expectTypeOf<S.FileIngestionFileStatus>().toEqualTypeOf<C['FileIngestionFileStatus']>();
});
test('FileIngestionTaskList: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionTaskList>>().toEqualTypeOf<C['FileIngestionTaskList']>();
  expectTypeOf<S.FileIngestionTaskList>().toEqualTypeOf<C['FileIngestionTaskList']>();
});
test('FileIngestionTask: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionTask>>().toEqualTypeOf<C['FileIngestionTask']>();
  expectTypeOf<S.FileIngestionTask>().toEqualTypeOf<C['FileIngestionTask']>();
});
test('FileIngestionActivityLog: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionActivityLog>>().toEqualTypeOf<C['FileIngestionActivityLog']>();
  expectTypeOf<S.FileIngestionActivityLog>().toEqualTypeOf<C['FileIngestionActivityLog']>();
});
test('FileIngestionActivityLogEntry: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.FileIngestionActivityLogEntry>>().toEqualTypeOf<C['FileIngestionActivityLogEntry']>();
  expectTypeOf<S.FileIngestionActivityLogEntry>().toEqualTypeOf<C['FileIngestionActivityLogEntry']>();
});
test('TaskflowRunId: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowRunId>>().toEqualTypeOf<C['TaskflowRunId']>();
  expectTypeOf<S.TaskflowRunId>().toEqualTypeOf<C['TaskflowRunId']>();
});
test('TaskflowRunInput: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowRunInput>>().toEqualTypeOf<C['TaskflowRunInput']>();
  expectTypeOf<S.TaskflowRunInput>().toEqualTypeOf<C['TaskflowRunInput']>();
});
test('TaskflowRunResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowRunResponse>>().toEqualTypeOf<C['TaskflowRunResponse']>();
  expectTypeOf<S.TaskflowRunResponse>().toEqualTypeOf<C['TaskflowRunResponse']>();
});
test('TaskflowSubtask: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowSubtask>>().toEqualTypeOf<C['TaskflowSubtask']>();
  expectTypeOf<S.TaskflowSubtask>().toEqualTypeOf<C['TaskflowSubtask']>();
});
test('TaskflowStatus: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowStatus>>().toEqualTypeOf<C['TaskflowStatus']>();
  expectTypeOf<S.TaskflowStatus>().toEqualTypeOf<C['TaskflowStatus']>();
});
test('TaskflowTerminateRequest: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowTerminateRequest>>().toEqualTypeOf<C['TaskflowTerminateRequest']>();
  expectTypeOf<S.TaskflowTerminateRequest>().toEqualTypeOf<C['TaskflowTerminateRequest']>();
});
test('TaskflowTerminateResponse: TypeBox equals OpenAPI', () => {
  expectTypeOf<Static<typeof S.TaskflowTerminateResponse>>().toEqualTypeOf<C['TaskflowTerminateResponse']>();
  expectTypeOf<S.TaskflowTerminateResponse>().toEqualTypeOf<C['TaskflowTerminateResponse']>();
});

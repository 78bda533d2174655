/** Public API of the dossier engine (hồ sơ): statuses, workflow definitions, the state machine. */

export { ALLOWED_COMMANDS, INITIAL_COMMANDS, isCommandAllowed } from './actions.ts';
export type {
  Channel,
  Command,
  CommandOf,
  CommandType,
  ConsultationOutcome,
  DossierActor,
  FeeStage,
  RatingCriterion,
  RatingScore,
  ResultMethod,
} from './commands.ts';
export {
  CHANNELS,
  COMMAND_TYPES,
  CONSULTATION_OUTCOMES,
  FEE_STAGES,
  RATING_CRITERIA,
  RESULT_METHODS,
} from './commands.ts';
export type { DossierError, DossierErrorCode } from './errors.ts';
export { DOSSIER_ERRORS, dossierError } from './errors.ts';
export type {
  Assignees,
  DossierEvent,
  EventType,
  ReceivedDocument,
  ResultFileRef,
  StepMarks,
  StepSnapshot,
} from './events.ts';
export { subStatusOf, timeFlags } from './flags.ts';
export type { DecideContext, Decision } from './machine.ts';
export { decide, evolve, replay } from './machine.ts';
export type { RatingAnswers, RatingOption } from './rating.ts';
export { RATING_SCALES, scoreRatingAnswers } from './rating.ts';
export type { DossierState, FeeRecord, LastAction, OpenConsultation } from './state.ts';
export type { DossierFlag, DossierStatus, NationalStatusCode, StatusInfo, StoredFlag, SubStatus } from './status.ts';
export {
  DOSSIER_FLAGS,
  DOSSIER_STATUSES,
  FLAG_LABELS,
  nationalStatusCode,
  STATUS_INFO,
  SUB_STATUS_IDS,
  SUB_STATUSES,
  statusOfNationalCode,
} from './status.ts';
export type { Settlement, SettlementKind } from './timeliness.ts';
export { settlementOf } from './timeliness.ts';
export type {
  AgencyRef,
  Allotment,
  Branch,
  Condition,
  ConditionOp,
  ConsultationDefinition,
  DossierAgencies,
  StepAction,
  WorkflowDefinition,
  WorkflowStep,
} from './workflow.ts';
export {
  allotmentMinutes,
  CONDITION_OPS,
  evaluateCondition,
  findStep,
  forwardTargets,
  nextStepId,
  resolveAgency,
  STEP_ACTIONS,
  WORKFLOW_SCHEMA_VERSION,
} from './workflow.ts';
export { WORKFLOW_JSON_SCHEMA } from './workflow-schema.ts';
export type {
  ValidateWorkflowOptions,
  WorkflowError,
  WorkflowErrorCode,
  WorkflowValidation,
} from './workflow-validate.ts';
export { validateWorkflow } from './workflow-validate.ts';

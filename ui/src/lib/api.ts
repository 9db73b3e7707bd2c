// The window's one way to the Rust core: a typed function per Tauri command. The types are
// generated from the Rust definitions (src-tauri/src/dto.rs → ./bindings); never write them here.
// Every failure arrives as a UiError: a message in the user's language and the field it concerns.

import { invoke, Channel } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';
import type { Settings } from './bindings/Settings';
import type { BackupDone } from './bindings/BackupDone';
import type { ManualValueInput } from './bindings/ManualValueInput';
import type { ImportDone } from './bindings/ImportDone';
import type { ImportRequest } from './bindings/ImportRequest';
import type { Role } from './bindings/Role';
import type { FirstRun } from './bindings/FirstRun';
import type { Progress } from './bindings/Progress';
import type { Catalogue } from './bindings/Catalogue';
import type { Overview } from './bindings/Overview';
import type { Trend } from './bindings/Trend';
import type { GoalDetail } from './bindings/GoalDetail';
import type { TargetInput } from './bindings/TargetInput';
import type { InitiativeFilter } from './bindings/InitiativeFilter';
import type { InitiativeRow } from './bindings/InitiativeRow';
import type { InitiativeInput } from './bindings/InitiativeInput';
import type { InitiativeDetail } from './bindings/InitiativeDetail';
import type { ParticipantHit } from './bindings/ParticipantHit';
import type { ParticipantInput } from './bindings/ParticipantInput';
import type { Added } from './bindings/Added';
import type { Profile } from './bindings/Profile';
import type { EnrolInput } from './bindings/EnrolInput';
import type { EndEnrolmentInput } from './bindings/EndEnrolmentInput';
import type { EditParticipantInput } from './bindings/EditParticipantInput';
import type { CorrectEventInput } from './bindings/CorrectEventInput';
import type { EditEnrolmentInput } from './bindings/EditEnrolmentInput';
import type { RemoveInput } from './bindings/RemoveInput';
import type { NoteInput } from './bindings/NoteInput';
import type { HandoverInput } from './bindings/HandoverInput';
import type { HandoverDone } from './bindings/HandoverDone';
import type { PlanRequest } from './bindings/PlanRequest';
import type { MergeInput } from './bindings/MergeInput';
import type { MergeDone } from './bindings/MergeDone';
import type { Worklist } from './bindings/Worklist';
import type { ProgressInput } from './bindings/ProgressInput';
import type { Draft } from './bindings/Draft';
import type { AuditQuery } from './bindings/AuditQuery';
import type { AuditEntry } from './bindings/AuditEntry';
import type { AuditCheck } from './bindings/AuditCheck';
import type { ReviewSample } from './bindings/ReviewSample';
import type { ReviewItem } from './bindings/ReviewItem';
import type { ReviewInput } from './bindings/ReviewInput';
import type { ExtractRequest } from './bindings/ExtractRequest';
import type { ExtractWritten } from './bindings/ExtractWritten';
import type { ExportRequest } from './bindings/ExportRequest';
import type { Exported } from './bindings/Exported';
import type { UiError } from './bindings/UiError';
import type { SyncStatus } from './bindings/SyncStatus';
import type { SyncResult } from './bindings/SyncResult';
import type { SyncTargetForm } from './bindings/SyncTargetForm';
import type { TeamInfo } from './bindings/TeamInfo';
import type { Conflict } from './bindings/Conflict';
import type { ResolveInput } from './bindings/ResolveInput';

export type * from './bindings/AppInfo';

/** Whether a thrown value is a UiError from the core. */
export function isUiError(e: unknown): e is UiError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** A UiError for anything thrown (a dropped bridge, a bug): never lose the message. */
export function asUiError(e: unknown): UiError {
  if (isUiError(e)) return e;
  return { code: 'internal', message: String(e), field: null };
}

function channel(onProgress: (p: Progress) => void): Channel<Progress> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return ch;
}

export const api = {
  appInfo: () => invoke<AppInfo>('app_info'),
  /** Calls `onLock` when the operating system locks the session or the laptop goes to sleep. */
  watchOsLock: (onLock: (reason: string) => void) => {
    const ch = new Channel<string>();
    ch.onmessage = onLock;
    return invoke<null>('os_lock_watch', { channel: ch });
  },
  saveSettings: (settings: Settings) => invoke<AppInfo>('save_settings', { settings }),
  /** A backup of the open store to `path` (a new file), read back and checked by the core. */
  backupNow: (path: string) => invoke<BackupDone>('backup_now', { path }),
  /** The settings' automatic backup, when one is due; `null` when none is set or due. */
  backupIfDue: () => invoke<BackupDone | null>('backup_if_due'),
  /** Imports (or, as a dry run, checks) the chosen file; progress while the core works. */
  importFile: (request: ImportRequest, onProgress: (p: Progress) => void) =>
    invoke<ImportDone>('import_file', { request, progress: channel(onProgress) }),
  changeOwnerRole: (passphrase: string, role: Role) => invoke<AppInfo>('change_owner_role', { passphrase, role }),
  firstRun: (input: FirstRun) => invoke<AppInfo>('first_run', { input }),
  readStrategyFile: (path: string) => invoke<string>('read_strategy_file', { path }),
  unlock: (passphrase: string) => invoke<AppInfo>('unlock', { passphrase }),
  unlockKeystore: () => invoke<AppInfo>('unlock_keystore'),
  lock: () => invoke<AppInfo>('lock'),
  openDemo: (participants: number, user: string, role: Role, onProgress: (p: Progress) => void) =>
    invoke<AppInfo>('open_demo', { participants, user, role, progress: channel(onProgress) }),
  leaveDemo: () => invoke<AppInfo>('leave_demo'),
  cancelJob: () => invoke<void>('cancel_job'),
  catalogue: () => invoke<Catalogue>('catalogue'),
  overview: (periodText: string) => invoke<Overview>('overview', { periodText }),
  trends: () => invoke<Trend[]>('trends'),
  goals: () => invoke<GoalDetail[]>('goals'),
  setTarget: (input: TargetInput) => invoke<void>('set_target', { input }),
  /** A manual indicator's value for a period (team leads, admins). */
  setManualValue: (input: ManualValueInput) => invoke<void>('set_manual_value', { input }),
  indicatorParticipants: (indicator: string, periodText: string) =>
    invoke<ParticipantHit[]>('indicator_participants', { indicator, periodText }),
  initiatives: (filter: InitiativeFilter) => invoke<InitiativeRow[]>('initiatives', { filter }),
  initiative: (id: string) => invoke<InitiativeDetail>('initiative', { id }),
  saveInitiative: (input: InitiativeInput) => invoke<string>('save_initiative', { input }),
  linkInitiative: (initiative: string, goal: string, contribution: string) =>
    invoke<void>('link_initiative', { initiative, goal, contribution }),
  findParticipants: (query: string) => invoke<ParticipantHit[]>('find_participants', { query }),
  participant: (id: string) => invoke<Profile>('participant', { id }),
  addParticipant: (input: ParticipantInput) => invoke<Added>('add_participant', { input }),
  enrol: (input: EnrolInput) => invoke<string>('enrol', { input }),
  endEnrolment: (input: EndEnrolmentInput) => invoke<void>('end_enrolment', { input }),
  closeCase: (participant: string, dateText: string) => invoke<void>('close_case', { participant, dateText }),
  reopenCase: (participant: string) => invoke<void>('reopen_case', { participant }),
  /** Corrects a participant's details; the warnings worth a second look come back. */
  editParticipant: (input: EditParticipantInput) => invoke<string[]>('edit_participant', { input }),
  /** The worklist: own (caseworker '' and team false), a caseworker's, or the team's (team leads). */
  worklist: (caseworker: string, team: boolean) => invoke<Worklist>('worklist', { caseworker, team }),
  /** Writes a journal note (or a new version of one); the form's draft `draft` is discarded with it. */
  writeNote: (input: NoteInput, draft: string | null) => invoke<string>('write_note', { input, draft }),
  /** The team's users who can hold a caseload: whom a case can be handed to. */
  teamCaseworkers: () => invoke<string[]>('team_caseworkers'),
  /** Hands the case to a colleague, with the note; the form's draft `draft` is discarded with it. */
  handOver: (input: HandoverInput, draft: string | null) => invoke<HandoverDone>('hand_over', { input, draft }),
  /** Merges the duplicate (pseudonym or id) into the case kept; the form's draft `draft` is discarded with it. */
  mergeCases: (input: MergeInput, draft: string | null) => invoke<MergeDone>('merge_cases', { input, draft }),
  /** The citizen's plan as a PDF, written to `path`; returns the path. */
  participantPlan: (request: PlanRequest) => invoke<string>('participant_plan', { request }),
  correctEvent: (input: CorrectEventInput) => invoke<void>('correct_event', { input }),
  removeEvent: (input: RemoveInput) => invoke<void>('remove_event', { input }),
  editEnrolment: (input: EditEnrolmentInput) => invoke<void>('edit_enrolment', { input }),
  removeEnrolment: (input: RemoveInput) => invoke<void>('remove_enrolment', { input }),
  unlinkInitiative: (initiative: string, goal: string) => invoke<void>('unlink_initiative', { initiative, goal }),
  recordProgress: (input: ProgressInput, draft: string | null) => invoke<string>('record_progress', { input, draft }),
  drafts: () => invoke<Draft[]>('drafts'),
  saveDraft: (form: string, body: string) => invoke<void>('save_draft', { form, body }),
  discardDraft: (form: string) => invoke<void>('discard_draft', { form }),
  auditLog: (query: AuditQuery) => invoke<AuditEntry[]>('audit_log', { query }),
  auditVerify: () => invoke<AuditCheck>('audit_verify'),
  /** The month's review sample (YYYY-MM; '' for last month), drawn the first time it is asked for. */
  auditSample: (month: string) => invoke<ReviewSample>('audit_sample', { month }),
  /** Reviewed (`question` null or '') or questioned with the reason. */
  auditReview: (input: ReviewInput) => invoke<ReviewItem>('audit_review', { input }),
  /** A citizen's access extract (team leads), written to `path` (.pdf or .csv). */
  auditExtract: (request: ExtractRequest) => invoke<ExtractWritten>('audit_extract', { request }),
  exportSummary: (request: ExportRequest, onProgress: (p: Progress) => void) =>
    invoke<Exported>('export_summary', { request, progress: channel(onProgress) }),
  syncStatus: () => invoke<SyncStatus>('sync_status'),
  syncNow: () => invoke<SyncResult>('sync_now'),
  syncTarget: () => invoke<SyncTargetForm>('sync_target'),
  setSyncTarget: (form: SyncTargetForm) => invoke<SyncStatus>('set_sync_target', { form }),
  team: () => invoke<TeamInfo | null>('team'),
  conflicts: (openOnly: boolean) => invoke<Conflict[]>('conflicts', { openOnly }),
  resolveConflict: (input: ResolveInput) => invoke<void>('resolve_conflict', { input }),
};

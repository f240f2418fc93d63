""" Contains all the data models used in inputs/outputs """

from .actor_type_enum import ActorTypeEnum
from .agent import Agent
from .agent_cost import AgentCost
from .agent_input_schema import AgentInputSchema
from .agent_usage import AgentUsage
from .agent_version import AgentVersion
from .agent_version_publish_request import AgentVersionPublishRequest
from .agent_version_request import AgentVersionRequest
from .analytics import Analytics
from .analytics_day import AnalyticsDay
from .analytics_figures import AnalyticsFigures
from .api_key import APIKey
from .api_key_create_request import APIKeyCreateRequest
from .api_key_created import APIKeyCreated
from .approval import Approval
from .approval_status_enum import ApprovalStatusEnum
from .audit_event import AuditEvent
from .audit_events_list_outcome import AuditEventsListOutcome
from .category_enum import CategoryEnum
from .confirm_enum import ConfirmEnum
from .decided_by_enum import DecidedByEnum
from .delivery import Delivery
from .delivery_log_item import DeliveryLogItem
from .delivery_request_headers import DeliveryRequestHeaders
from .delivery_status_enum import DeliveryStatusEnum
from .dispatch_request import DispatchRequest
from .dispatch_request_input import DispatchRequestInput
from .endpoint import Endpoint
from .endpoint_create_request import EndpointCreateRequest
from .endpoint_with_secret import EndpointWithSecret
from .erase_request import EraseRequest
from .error import Error
from .error_count import ErrorCount
from .error_errors import ErrorErrors
from .eval_case import EvalCase
from .eval_case_from_run_request import EvalCaseFromRunRequest
from .eval_dataset import EvalDataset
from .eval_dataset_request import EvalDatasetRequest
from .eval_export import EvalExport
from .eval_import_request import EvalImportRequest
from .eval_import_result import EvalImportResult
from .follow_up_request import FollowUpRequest
from .follow_up_request_input import FollowUpRequestInput
from .health import Health
from .input_request import InputRequest
from .login_request import LoginRequest
from .me_export_retrieve_response_200 import MeExportRetrieveResponse200
from .membership import Membership
from .membership_create_request import MembershipCreateRequest
from .missed_fire_policy_enum import MissedFirePolicyEnum
from .outcome_enum import OutcomeEnum
from .paginated_api_key_list import PaginatedAPIKeyList
from .paginated_audit_event_list import PaginatedAuditEventList
from .paginated_delivery_list import PaginatedDeliveryList
from .paginated_endpoint_list import PaginatedEndpointList
from .paginated_membership_list import PaginatedMembershipList
from .paginated_pipeline_run_list import PaginatedPipelineRunList
from .paginated_run_list import PaginatedRunList
from .paginated_workspace_list import PaginatedWorkspaceList
from .patched_agent_version_request import PatchedAgentVersionRequest
from .patched_endpoint_update_request import PatchedEndpointUpdateRequest
from .patched_membership_update_request import PatchedMembershipUpdateRequest
from .patched_schedule_update_request import PatchedScheduleUpdateRequest
from .patched_schedule_update_request_input import PatchedScheduleUpdateRequestInput
from .patched_workspace_update_request import PatchedWorkspaceUpdateRequest
from .patched_workspace_update_request_foundation import PatchedWorkspaceUpdateRequestFoundation
from .patched_workspace_update_request_foundation_brand_voice import PatchedWorkspaceUpdateRequestFoundationBrandVoice
from .patched_workspace_update_request_foundation_budget_level import PatchedWorkspaceUpdateRequestFoundationBudgetLevel
from .patched_workspace_update_request_foundation_stage import PatchedWorkspaceUpdateRequestFoundationStage
from .pipeline import Pipeline
from .pipeline_define_request import PipelineDefineRequest
from .pipeline_define_request_input_schema import PipelineDefineRequestInputSchema
from .pipeline_define_request_steps_item import PipelineDefineRequestStepsItem
from .pipeline_event import PipelineEvent
from .pipeline_event_page import PipelineEventPage
from .pipeline_live_version_type_0 import PipelineLiveVersionType0
from .pipeline_publish_request import PipelinePublishRequest
from .pipeline_run import PipelineRun
from .pipeline_run_create_request import PipelineRunCreateRequest
from .pipeline_run_create_request_input import PipelineRunCreateRequestInput
from .pipeline_runs_stream_response_200 import PipelineRunsStreamResponse200
from .pipeline_step import PipelineStep
from .pipeline_totals import PipelineTotals
from .pipeline_versions_item import PipelineVersionsItem
from .rating_enum import RatingEnum
from .role_enum import RoleEnum
from .route_decision import RouteDecision
from .run import Run
from .run_answer_request import RunAnswerRequest
from .run_answer_request_answers import RunAnswerRequestAnswers
from .run_batch_item_request import RunBatchItemRequest
from .run_batch_item_request_input import RunBatchItemRequestInput
from .run_batch_request import RunBatchRequest
from .run_batch_response import RunBatchResponse
from .run_batch_result import RunBatchResult
from .run_cancel_request import RunCancelRequest
from .run_create_request import RunCreateRequest
from .run_create_request_input import RunCreateRequestInput
from .run_decision_request import RunDecisionRequest
from .run_detail import RunDetail
from .run_event import RunEvent
from .run_event_page import RunEventPage
from .run_feedback import RunFeedback
from .run_feedback_request import RunFeedbackRequest
from .run_status_enum import RunStatusEnum
from .run_step import RunStep
from .run_step_kind_enum import RunStepKindEnum
from .run_thread import RunThread
from .runs_list_status_item import RunsListStatusItem
from .runs_stream_response_200 import RunsStreamResponse200
from .schedule import Schedule
from .schedule_input import ScheduleInput
from .schedule_request import ScheduleRequest
from .schedule_request_input import ScheduleRequestInput
from .scopes_enum import ScopesEnum
from .session import Session
from .skill import Skill
from .skill_kind_enum import SkillKindEnum
from .skills_list_category import SkillsListCategory
from .skills_list_kind import SkillsListKind
from .step_status_enum import StepStatusEnum
from .target_kind_enum import TargetKindEnum
from .usage import Usage
from .version_ratings import VersionRatings
from .version_status_enum import VersionStatusEnum
from .webhook_event_type_enum import WebhookEventTypeEnum
from .webhooks_deliveries_list_status_item import WebhooksDeliveriesListStatusItem
from .workspace import Workspace
from .workspace_cost import WorkspaceCost
from .workspace_create_request import WorkspaceCreateRequest
from .workspace_create_request_foundation import WorkspaceCreateRequestFoundation
from .workspace_create_request_foundation_brand_voice import WorkspaceCreateRequestFoundationBrandVoice
from .workspace_create_request_foundation_budget_level import WorkspaceCreateRequestFoundationBudgetLevel
from .workspace_create_request_foundation_stage import WorkspaceCreateRequestFoundationStage
from .workspace_foundation import WorkspaceFoundation
from .workspace_foundation_brand_voice import WorkspaceFoundationBrandVoice
from .workspace_foundation_budget_level import WorkspaceFoundationBudgetLevel
from .workspace_foundation_stage import WorkspaceFoundationStage
from .workspaces_export_retrieve_response_200 import WorkspacesExportRetrieveResponse200

__all__ = (
    "ActorTypeEnum",
    "Agent",
    "AgentCost",
    "AgentInputSchema",
    "AgentUsage",
    "AgentVersion",
    "AgentVersionPublishRequest",
    "AgentVersionRequest",
    "Analytics",
    "AnalyticsDay",
    "AnalyticsFigures",
    "APIKey",
    "APIKeyCreated",
    "APIKeyCreateRequest",
    "Approval",
    "ApprovalStatusEnum",
    "AuditEvent",
    "AuditEventsListOutcome",
    "CategoryEnum",
    "ConfirmEnum",
    "DecidedByEnum",
    "Delivery",
    "DeliveryLogItem",
    "DeliveryRequestHeaders",
    "DeliveryStatusEnum",
    "DispatchRequest",
    "DispatchRequestInput",
    "Endpoint",
    "EndpointCreateRequest",
    "EndpointWithSecret",
    "EraseRequest",
    "Error",
    "ErrorCount",
    "ErrorErrors",
    "EvalCase",
    "EvalCaseFromRunRequest",
    "EvalDataset",
    "EvalDatasetRequest",
    "EvalExport",
    "EvalImportRequest",
    "EvalImportResult",
    "FollowUpRequest",
    "FollowUpRequestInput",
    "Health",
    "InputRequest",
    "LoginRequest",
    "MeExportRetrieveResponse200",
    "Membership",
    "MembershipCreateRequest",
    "MissedFirePolicyEnum",
    "OutcomeEnum",
    "PaginatedAPIKeyList",
    "PaginatedAuditEventList",
    "PaginatedDeliveryList",
    "PaginatedEndpointList",
    "PaginatedMembershipList",
    "PaginatedPipelineRunList",
    "PaginatedRunList",
    "PaginatedWorkspaceList",
    "PatchedAgentVersionRequest",
    "PatchedEndpointUpdateRequest",
    "PatchedMembershipUpdateRequest",
    "PatchedScheduleUpdateRequest",
    "PatchedScheduleUpdateRequestInput",
    "PatchedWorkspaceUpdateRequest",
    "PatchedWorkspaceUpdateRequestFoundation",
    "PatchedWorkspaceUpdateRequestFoundationBrandVoice",
    "PatchedWorkspaceUpdateRequestFoundationBudgetLevel",
    "PatchedWorkspaceUpdateRequestFoundationStage",
    "Pipeline",
    "PipelineDefineRequest",
    "PipelineDefineRequestInputSchema",
    "PipelineDefineRequestStepsItem",
    "PipelineEvent",
    "PipelineEventPage",
    "PipelineLiveVersionType0",
    "PipelinePublishRequest",
    "PipelineRun",
    "PipelineRunCreateRequest",
    "PipelineRunCreateRequestInput",
    "PipelineRunsStreamResponse200",
    "PipelineStep",
    "PipelineTotals",
    "PipelineVersionsItem",
    "RatingEnum",
    "RoleEnum",
    "RouteDecision",
    "Run",
    "RunAnswerRequest",
    "RunAnswerRequestAnswers",
    "RunBatchItemRequest",
    "RunBatchItemRequestInput",
    "RunBatchRequest",
    "RunBatchResponse",
    "RunBatchResult",
    "RunCancelRequest",
    "RunCreateRequest",
    "RunCreateRequestInput",
    "RunDecisionRequest",
    "RunDetail",
    "RunEvent",
    "RunEventPage",
    "RunFeedback",
    "RunFeedbackRequest",
    "RunsListStatusItem",
    "RunsStreamResponse200",
    "RunStatusEnum",
    "RunStep",
    "RunStepKindEnum",
    "RunThread",
    "Schedule",
    "ScheduleInput",
    "ScheduleRequest",
    "ScheduleRequestInput",
    "ScopesEnum",
    "Session",
    "Skill",
    "SkillKindEnum",
    "SkillsListCategory",
    "SkillsListKind",
    "StepStatusEnum",
    "TargetKindEnum",
    "Usage",
    "VersionRatings",
    "VersionStatusEnum",
    "WebhookEventTypeEnum",
    "WebhooksDeliveriesListStatusItem",
    "Workspace",
    "WorkspaceCost",
    "WorkspaceCreateRequest",
    "WorkspaceCreateRequestFoundation",
    "WorkspaceCreateRequestFoundationBrandVoice",
    "WorkspaceCreateRequestFoundationBudgetLevel",
    "WorkspaceCreateRequestFoundationStage",
    "WorkspaceFoundation",
    "WorkspaceFoundationBrandVoice",
    "WorkspaceFoundationBudgetLevel",
    "WorkspaceFoundationStage",
    "WorkspacesExportRetrieveResponse200",
)

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
from .dispatch_request import DispatchRequest
from .dispatch_request_input import DispatchRequestInput
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
from .health import Health
from .input_request import InputRequest
from .login_request import LoginRequest
from .me_export_retrieve_response_200 import MeExportRetrieveResponse200
from .membership import Membership
from .membership_create_request import MembershipCreateRequest
from .outcome_enum import OutcomeEnum
from .paginated_api_key_list import PaginatedAPIKeyList
from .paginated_audit_event_list import PaginatedAuditEventList
from .paginated_membership_list import PaginatedMembershipList
from .paginated_run_list import PaginatedRunList
from .paginated_workspace_list import PaginatedWorkspaceList
from .patched_agent_version_request import PatchedAgentVersionRequest
from .patched_membership_update_request import PatchedMembershipUpdateRequest
from .patched_workspace_update_request import PatchedWorkspaceUpdateRequest
from .patched_workspace_update_request_foundation import PatchedWorkspaceUpdateRequestFoundation
from .patched_workspace_update_request_foundation_brand_voice import PatchedWorkspaceUpdateRequestFoundationBrandVoice
from .patched_workspace_update_request_foundation_budget_level import PatchedWorkspaceUpdateRequestFoundationBudgetLevel
from .patched_workspace_update_request_foundation_stage import PatchedWorkspaceUpdateRequestFoundationStage
from .rating_enum import RatingEnum
from .role_enum import RoleEnum
from .route_decision import RouteDecision
from .run import Run
from .run_answer_request import RunAnswerRequest
from .run_answer_request_answers import RunAnswerRequestAnswers
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
from .runs_list_status_item import RunsListStatusItem
from .runs_stream_response_200 import RunsStreamResponse200
from .scopes_enum import ScopesEnum
from .session import Session
from .skill import Skill
from .skill_kind_enum import SkillKindEnum
from .skills_list_category import SkillsListCategory
from .skills_list_kind import SkillsListKind
from .step_status_enum import StepStatusEnum
from .usage import Usage
from .version_ratings import VersionRatings
from .version_status_enum import VersionStatusEnum
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
    "DispatchRequest",
    "DispatchRequestInput",
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
    "Health",
    "InputRequest",
    "LoginRequest",
    "MeExportRetrieveResponse200",
    "Membership",
    "MembershipCreateRequest",
    "OutcomeEnum",
    "PaginatedAPIKeyList",
    "PaginatedAuditEventList",
    "PaginatedMembershipList",
    "PaginatedRunList",
    "PaginatedWorkspaceList",
    "PatchedAgentVersionRequest",
    "PatchedMembershipUpdateRequest",
    "PatchedWorkspaceUpdateRequest",
    "PatchedWorkspaceUpdateRequestFoundation",
    "PatchedWorkspaceUpdateRequestFoundationBrandVoice",
    "PatchedWorkspaceUpdateRequestFoundationBudgetLevel",
    "PatchedWorkspaceUpdateRequestFoundationStage",
    "RatingEnum",
    "RoleEnum",
    "RouteDecision",
    "Run",
    "RunAnswerRequest",
    "RunAnswerRequestAnswers",
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
    "ScopesEnum",
    "Session",
    "Skill",
    "SkillKindEnum",
    "SkillsListCategory",
    "SkillsListKind",
    "StepStatusEnum",
    "Usage",
    "VersionRatings",
    "VersionStatusEnum",
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

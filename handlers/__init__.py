"""The guided conversations, platform-neutral: the core, its flows and one-shot commands."""

from handlers.case_action import CASE_ACTION
from handlers.core import Core
from handlers.invite import INVITE
from handlers.issue import ISSUE
from handlers.join import JOIN
from handlers.runner import Runner
from handlers.visit import VISIT

__all__ = ["Core", "Runner", "all_flows"]


def all_flows() -> Runner:
    return Runner({flow.name: flow for flow in (JOIN, VISIT, ISSUE, INVITE, CASE_ACTION)})

"""The guided conversations, platform-neutral: the core, its flows and one-shot commands."""

from handlers.case_action import CASE_ACTION
from handlers.core import Core
from handlers.correction import CORRECTION
from handlers.invite import INVITE
from handlers.issue import ISSUE
from handlers.join import JOIN
from handlers.runner import Runner
from handlers.spot_check import SPOT
from handlers.visit import VISIT
from handlers.work_reminder import REMIND

__all__ = ["Core", "Runner", "all_flows"]


def all_flows() -> Runner:
    flows = (JOIN, VISIT, ISSUE, INVITE, CASE_ACTION, SPOT, CORRECTION, REMIND)
    return Runner({flow.name: flow for flow in flows})

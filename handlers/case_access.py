"""Who may see a case, how they stand to it, and whether they may see the resident's details."""

from __future__ import annotations

from domain.case_flow import Relation, relation_of
from domain.people import Role
from handlers.context import Ctx
from storage.ledger_records import CaseCard, Scope

__all__ = ["relations_to", "scope_of", "sees_resident", "visible"]


async def scope_of(ctx: Ctx) -> Scope:
    """Coordinators see every case; anyone else their own and their unit subtree's."""
    person = ctx.member()
    if person.role.may_invite:
        return Scope(everything=True, person_id=person.id)
    units = await ctx.tx.ledger.subtree(person.unit_id)
    return Scope(everything=False, person_id=person.id, unit_ids=units)


def visible(scope: Scope, card: CaseCard) -> bool:
    return (
        scope.everything
        or card.reporter_id == scope.person_id
        or (card.holder_unit_id is not None and card.holder_unit_id in scope.unit_ids)
    )


async def relations_to(ctx: Ctx, card: CaseCard) -> frozenset[Relation]:
    """How the person stands to the case.

    Anyone in a unit above the holder may see the case, but only a unit lead there acts for
    the holder: the campaign office sits at the top of the tree and must not be offered 接收.
    """
    person = ctx.member()
    holder = card.holder_unit_id
    leads = person.role is Role.UNIT_LEAD and holder is not None
    ancestors = await ctx.tx.ledger.ancestors(holder) if leads and holder else ()
    return relation_of(
        person.role,
        person.id,
        person.unit_id,
        reporter_id=card.reporter_id,
        holder_unit_id=card.holder_unit_id,
        holder_ancestor_ids=ancestors,
    )


def sees_resident(relations: frozenset[Relation]) -> bool:
    """The resident's name and phone: only the campaign office and the unit holding the case."""
    return bool(relations & {Relation.COORDINATOR, Relation.HOLDING_UNIT})

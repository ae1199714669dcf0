"""The demo's routing set-up (`opsdesk seed-demo`), through the actions: every demo agent speaks the language of
their name (and the first of each team English too), has levels in their team's skills and a capacity; Finnish
Support routes round robin by language, with a ten-minute fallback to the whole team; the other teams stay manual.
The first two agents of each team start online, the others offline."""

from __future__ import annotations

from django.utils import timezone

from opsdesk.accounts.capabilities import Capability, roles_with
from opsdesk.accounts.models import User
from opsdesk.people.models import Team, TeamMembership
from opsdesk.routing import actions
from opsdesk.routing.models import AgentProfile

ROUTED_TEAM = "Finnish Support"


def seed_routing(*, actor: User) -> None:
    for team in Team.objects.prefetch_related("skills").order_by("name"):
        skills = list(team.skills.order_by("name"))
        members = list(
            TeamMembership.objects.filter(
                team=team, access=TeamMembership.Access.FULL, user__role__in=roles_with(Capability.BE_ASSIGNED)
            )
            .select_related("user")
            .order_by("user__email")
        )
        for index, membership in enumerate(members):
            user = membership.user
            spoken = [user.language] if index else list(dict.fromkeys([user.language, "en"]))
            actions.save_agent_routing(
                user,
                languages=spoken,
                skills={skill: 1 + (index + n * 2) % 5 for n, skill in enumerate(skills)},
                capacity={"tickets": 6 + index, "chat": 2, "phone": 1},
                actor=actor,
            )
            if index < 2:
                AgentProfile.objects.filter(user=user).update(
                    presence=AgentProfile.Presence.ONLINE,
                    presence_changed_at=timezone.now(),
                    last_active_at=timezone.now(),
                )
        if team.name == ROUTED_TEAM:
            actions.save_team_routing(
                team,
                strategy="round_robin",
                use_language=True,
                skill_min_level=1,
                fallback_seconds=600,
                capacity={"tickets": 8},
                actor=actor,
            )


# (subject, language): written to Finnish Support after the bulk tickets, then routed, so the timeline and the
# live board show decisions: two assigned by language, one waiting for a Greek speaker until its fallback.
ROUTED_TICKETS = (
    ("Laskussa on väärä summa", "fi"),
    ("Where is my parcel?", "en"),
    ("Λάθος χρέωση στην κάρτα μου", "el"),
)


def seed_decisions(*, customer_id: int, tickets: tuple[tuple[str, str], ...] = ROUTED_TICKETS) -> None:
    from opsdesk.customers.models import Customer
    from opsdesk.tickets import actions as ticket_actions

    team = Team.objects.get(name=ROUTED_TEAM)
    customer = Customer.objects.get(pk=customer_id)
    for subject, language in tickets:
        ticket = ticket_actions.create_ticket(
            subject=subject,
            body=subject,
            requester=customer,
            actor=None,
            team=team,
            language=language,
            notify=False,
        )
        actions.route_ticket(ticket)

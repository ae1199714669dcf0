"""The demo's automation (`opsdesk seed-demo`), through the actions: a trigger that marks the VIP organization's new
tickets, a time rule that escalates a VIP ticket no agent has answered in 30 business minutes, and three shared
macros in five languages. The lifecycle rules come from the migration."""

from __future__ import annotations

from opsdesk.accounts.models import User
from opsdesk.automation import actions
from opsdesk.automation.actions.rules import RuleInput
from opsdesk.automation.models import Macro, Rule
from opsdesk.customers.models import CustomerOrganization
from opsdesk.sla.demo import CALENDAR_NAME, VIP_ORGANIZATION
from opsdesk.sla.models import BusinessCalendar
from opsdesk.tickets.models import TicketStatus

ASK_ORDER = {
    "en": (
        "Hello {{requester.first_name}},\n\n"
        "Thank you for writing. Could you send us your order number, so we can look into it?"
    ),
    "fi": (
        "Hei {{requester.first_name}},\n\n"
        "Kiitos viestistäsi. Voisitko lähettää meille tilausnumerosi, jotta voimme selvittää asian?"
    ),
    "sv": (
        "Hej {{requester.first_name}},\n\n"
        "Tack för ditt meddelande. Kan du skicka oss ditt ordernummer, så att vi kan undersöka saken?"
    ),
    "ru": (
        "Здравствуйте, {{requester.first_name}}!\n\n"
        "Спасибо за обращение. Пришлите, пожалуйста, номер заказа, чтобы мы могли разобраться."
    ),
    "el": (
        "Γεια σας {{requester.first_name}},\n\n"
        "Σας ευχαριστούμε για το μήνυμα. Μπορείτε να μας στείλετε τον αριθμό της παραγγελίας σας, για να το εξετάσουμε;"
    ),
}
REFUNDED = {
    "en": (
        "Hello {{requester.first_name}},\n\nWe have refunded your payment; it reaches your account in 3–5 working days."
    ),
    "fi": ("Hei {{requester.first_name}},\n\nOlemme palauttaneet maksusi; se näkyy tililläsi 3–5 arkipäivän kuluessa."),
    "sv": (
        "Hej {{requester.first_name}},\n\n"
        "Vi har återbetalat din betalning; den syns på ditt konto inom 3–5 arbetsdagar."
    ),
    "ru": (
        "Здравствуйте, {{requester.first_name}}!\n\n"
        "Мы вернули ваш платёж; деньги поступят на счёт в течение 3–5 рабочих дней."
    ),
    "el": (
        "Γεια σας {{requester.first_name}},\n\n"
        "Επιστρέψαμε την πληρωμή σας· θα εμφανιστεί στον λογαριασμό σας σε 3–5 εργάσιμες ημέρες."
    ),
}
NOTE_ESCALATED = {"en": "No agent has answered this VIP ticket in 30 business minutes: escalated to the team's leads."}


def seed_automation(*, actor: User) -> None:
    if Rule.objects.filter(name="VIP: mark new tickets").exists():
        return
    vip = CustomerOrganization.objects.get(name=VIP_ORGANIZATION)
    is_vip = {"match": "all", "conditions": [{"field": "organization_id", "op": "is", "value": vip.pk}]}
    actions.save_rule(
        None,
        data=RuleInput(
            name="VIP: mark new tickets",
            kind=Rule.Kind.TRIGGER,
            description=f"Tickets from {VIP_ORGANIZATION} get the vip tag and at least high priority.",
            events=["ticket_created"],
            conditions={
                **is_vip,
                "conditions": [*is_vip["conditions"], {"field": "priority", "op": "lt", "value": "high"}],
            },
            actions=[{"type": "add_tags", "tags": ["vip"]}, {"type": "set_priority", "priority": "high"}],
        ),
        actor=actor,
    )
    actions.save_rule(
        None,
        data=RuleInput(
            name="VIP not answered in 30 business minutes",
            kind=Rule.Kind.TIME,
            conditions={
                "match": "all",
                "conditions": [
                    {"field": "tags", "op": "contains", "value": "vip"},
                    {"field": "status_category", "op": "in", "value": ["new", "open"]},
                ],
            },
            agent_replied=Rule.Replied.NO,
            anchor=Rule.Anchor.CREATED,
            after_seconds=30 * 60,
            business_time=True,
            calendar=BusinessCalendar.objects.filter(name=CALENDAR_NAME).first(),
            actions=[{"type": "escalate", "to": ["team_leads"]}, {"type": "note", "text": NOTE_ESCALATED}],
        ),
        actor=actor,
    )
    pending = (
        TicketStatus.objects.filter(category="pending", is_active=True).order_by("-is_default", "position").first()
    )
    solved = TicketStatus.objects.filter(category="solved", is_active=True).order_by("-is_default", "position").first()
    if not Macro.objects.exists() and pending and solved:
        actions.save_macro(
            None,
            name="Ask for the order number",
            actions=[{"type": "reply", "text": ASK_ORDER}, {"type": "set_status", "status": pending.pk}],
            shared=True,
            actor=actor,
        )
        actions.save_macro(
            None,
            name="Refund made",
            actions=[
                {"type": "add_tags", "tags": ["refund"]},
                {"type": "reply", "text": REFUNDED},
                {"type": "set_status", "status": solved.pk},
            ],
            shared=True,
            actor=actor,
        )
        actions.save_macro(
            None,
            name="Take it and mark urgent",
            actions=[{"type": "assign", "to": "me"}, {"type": "set_priority", "priority": "urgent"}],
            shared=True,
            actor=actor,
        )

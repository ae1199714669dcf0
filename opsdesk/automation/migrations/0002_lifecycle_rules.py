"""The lifecycle automations of METRICS.md §1 as default rules an admin can edit (keys `lifecycle.*`): solved tickets
close after 4 days (on); a reminder after 3 days waiting on the customer and solving after 7 days of silence (off
until an admin turns them on, since they write to customers)."""

from django.db import migrations

PENDING = {"match": "all", "conditions": [{"field": "status_category", "op": "is", "value": "pending"}]}
SOLVED = {"match": "all", "conditions": [{"field": "status_category", "op": "is", "value": "solved"}]}
DAY = 86400

REMINDER = {
    "en": (
        "Hello {{requester.first_name}},\n\nWe are still waiting for your answer about “{{ticket.subject}}” "
        "(#{{ticket.number}}). Reply to this message and we will carry on."
    ),
    "fi": (
        "Hei {{requester.first_name}},\n\nOdotamme yhä vastaustasi asiaan ”{{ticket.subject}}” "
        "(#{{ticket.number}}). Vastaa tähän viestiin, niin jatkamme."
    ),
    "sv": (
        "Hej {{requester.first_name}},\n\nVi väntar fortfarande på ditt svar om ”{{ticket.subject}}” "
        "(#{{ticket.number}}). Svara på det här meddelandet så fortsätter vi."
    ),
    "ru": (
        "Здравствуйте, {{requester.first_name}}!\n\nМы всё ещё ждём вашего ответа по теме «{{ticket.subject}}» "
        "(#{{ticket.number}}). Ответьте на это сообщение, и мы продолжим."
    ),
    "el": (
        "Γεια σας {{requester.first_name}},\n\nΠεριμένουμε ακόμη την απάντησή σας σχετικά με «{{ticket.subject}}» "
        "(#{{ticket.number}}). Απαντήστε σε αυτό το μήνυμα και θα συνεχίσουμε."
    ),
}
SOLVING = {
    "en": (
        "Hello {{requester.first_name}},\n\nWe have not heard from you, so we consider “{{ticket.subject}}” "
        "(#{{ticket.number}}) solved. If you still need help, reply to this message and it opens again."
    ),
    "fi": (
        "Hei {{requester.first_name}},\n\nEmme ole kuulleet sinusta, joten katsomme asian ”{{ticket.subject}}” "
        "(#{{ticket.number}}) ratkaistuksi. Jos tarvitset vielä apua, vastaa tähän viestiin, niin asia avautuu uudelleen."
    ),
    "sv": (
        "Hej {{requester.first_name}},\n\nVi har inte hört av dig, så vi betraktar ”{{ticket.subject}}” "
        "(#{{ticket.number}}) som löst. Behöver du fortfarande hjälp, svara på det här meddelandet så öppnas det igen."
    ),
    "ru": (
        "Здравствуйте, {{requester.first_name}}!\n\nМы не получили от вас ответа, поэтому считаем вопрос "
        "«{{ticket.subject}}» (#{{ticket.number}}) решённым. Если помощь ещё нужна, ответьте на это сообщение — "
        "и он откроется снова."
    ),
    "el": (
        "Γεια σας {{requester.first_name}},\n\nΔεν λάβαμε νέα σας, οπότε θεωρούμε ότι το «{{ticket.subject}}» "
        "(#{{ticket.number}}) επιλύθηκε. Αν χρειάζεστε ακόμη βοήθεια, απαντήστε σε αυτό το μήνυμα και θα ανοίξει ξανά."
    ),
}


def install(apps, schema_editor):
    Rule = apps.get_model("automation", "Rule")
    TicketStatus = apps.get_model("tickets", "TicketStatus")

    def status(category):
        found = TicketStatus.objects.filter(category=category, is_active=True).order_by("-is_default", "position").first()
        return found.pk if found else None

    closed, solved = status("closed"), status("solved")
    rules = [
        {
            "key": "lifecycle.close_solved",
            "name": "Close solved tickets after 4 days",
            "description": "METRICS.md §1: solved → closed after N calendar days (1–28). Closing is not a solve.",
            "conditions": SOLVED,
            "anchor": "solved",
            "after_seconds": 4 * DAY,
            "actions": [{"type": "set_status", "status": closed}],
            "is_active": True,
            "ok": closed is not None,
        },
        {
            "key": "lifecycle.pending_reminder",
            "name": "Remind the customer after 3 days waiting",
            "description": "A reply to the customer when a ticket has waited on them for 3 days.",
            "conditions": PENDING,
            "anchor": "status",
            "after_seconds": 3 * DAY,
            "actions": [{"type": "reply", "text": REMINDER}],
            "is_active": False,
            "ok": True,
        },
        {
            "key": "lifecycle.pending_solve",
            "name": "Solve after 7 days of the customer's silence",
            "description": "A ticket waiting on the customer for 7 days is solved, with a reply saying so.",
            "conditions": PENDING,
            "anchor": "status",
            "after_seconds": 7 * DAY,
            "actions": [{"type": "reply", "text": SOLVING}, {"type": "set_status", "status": solved}],
            "is_active": False,
            "ok": solved is not None,
        },
    ]
    for position, rule in enumerate(rules, start=1):
        ok = rule.pop("ok")
        if ok and not Rule.objects.filter(key=rule["key"]).exists():
            Rule.objects.create(kind="time", position=position, **rule)


class Migration(migrations.Migration):
    dependencies = [("automation", "0001_initial"), ("tickets", "0011_sla_columns_notifications")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

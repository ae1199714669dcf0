"""Every write to customers and organizations: create, update, notes, merge and CSV import."""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.capabilities import Capability, can, require
from opsdesk.accounts.models import Role
from opsdesk.accounts.models import User as UserModel
from opsdesk.audit import actions as audit
from opsdesk.core.errors import ActionError
from opsdesk.core.jobs import enqueue_on_commit
from opsdesk.customers.models import (
    Customer,
    CustomerEmail,
    CustomerEvent,
    CustomerOrganization,
    CustomerPhone,
)
from opsdesk.fields.actions import clean_custom_fields

if TYPE_CHECKING:
    from opsdesk.accounts.models import User

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _event(customer: Customer, kind: str, *, actor: User | None, data: dict[str, Any]) -> None:
    CustomerEvent.objects.create(customer=customer, kind=kind, actor=actor if actor and actor.pk else None, data=data)


MAX_EMAIL = 254  # what CustomerEmail.address holds (RFC 5321's path limit)


def normalise_email(address: str, *, field: str = "email") -> str:
    address = (address or "").strip().lower()
    if len(address) > MAX_EMAIL:
        raise ActionError(
            "email_too_long", _("An email address can be at most 254 characters."), field=field, status=422
        )
    try:
        validate_email(address)
    except ValidationError:
        raise ActionError("invalid_email", _("Enter a valid email address."), field=field, status=422) from None
    return address


def _check_language_and_zone(language: str, time_zone: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ActionError("invalid_language", _("Choose a supported language."), field="language", status=422)
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ActionError("invalid_time_zone", _("Choose a valid time zone."), field="time_zone", status=422) from None


def organization_for_domain(address: str) -> CustomerOrganization | None:
    domain = address.rsplit("@", 1)[-1]
    for org in CustomerOrganization.objects.filter(domains__icontains=domain):
        if domain in [d.lower() for d in org.domains]:
            return org
    return None


@transaction.atomic
def create_customer(
    *,
    name: str,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    organization: CustomerOrganization | None = None,
    language: str = "en",
    time_zone: str = "Europe/Helsinki",
    notes: str = "",
    custom_fields: dict[str, Any] | None = None,
    language_confirmed: bool | None = None,
    actor: User | None,
) -> Customer:
    """A new customer. `language_confirmed` (by default: staff create it, choosing the language) says the language
    was chosen, not assumed, so language detection leaves it alone (docs/adr/0019-language-detection.md)."""
    if actor is not None and actor.is_agent_side:
        require(actor, Capability.EDIT_CUSTOMERS)
        if organization is not None:
            require(actor, Capability.MANAGE_ORGANIZATIONS)
    name = " ".join((name or "").split())
    addresses = list(dict.fromkeys(normalise_email(e) for e in emails if e and e.strip()))
    if not name:
        name = addresses[0].split("@")[0] if addresses else ""
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    _check_language_and_zone(language, time_zone)
    taken = list(CustomerEmail.objects.filter(address__in=addresses).values_list("address", flat=True))
    if taken:
        raise ActionError(
            "email_taken", _("%(email)s already belongs to another customer.") % {"email": taken[0]}, field="emails"
        )
    if organization is None and addresses and actor is not None and actor.is_agent_side:
        # Staff vouch for the address; a stranger writing in from a company's domain joins the company (and sees
        # its shared tickets) only once the address is verified (verify_email, on a sign-in through it).
        organization = organization_for_domain(addresses[0])
    customer = Customer.objects.create(
        name=name[:200],
        organization=organization,
        language=language,
        language_confirmed=(actor is not None and actor.is_agent_side)
        if language_confirmed is None
        else language_confirmed,
        time_zone=time_zone,
        notes=notes,
        custom_fields=clean_custom_fields(custom_fields or {}, target="customer"),
    )
    CustomerEmail.objects.bulk_create(
        [CustomerEmail(customer=customer, address=a, is_primary=i == 0) for i, a in enumerate(addresses)]
    )
    CustomerPhone.objects.bulk_create(
        [CustomerPhone(customer=customer, number=p.strip()[:40]) for p in phones if p and p.strip()]
    )
    _event(customer, "customer.created", actor=actor, data={"emails": addresses})
    return customer


def _customer_with_address(address: str) -> Customer | None:
    found = CustomerEmail.objects.select_related("customer").filter(address=address).first()
    if found is None:
        return None
    customer = found.customer
    while customer.merged_into_id:
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def get_or_create_customer_by_email(
    *, email: str, name: str = "", language: str = "en", language_confirmed: bool = False, actor: User | None
) -> Customer:
    """The customer who owns `email`, or a new one. Safe when two requests race to create the same customer: the
    second waits for the first's address row, rolls back to its savepoint and takes the first's customer."""
    address = normalise_email(email)
    found = _customer_with_address(address)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create_customer(
                name=name or address.split("@")[0],
                emails=[address],
                language=language if language in LANGUAGE_CODES else "en",
                language_confirmed=language_confirmed,
                actor=actor,
            )
    except (IntegrityError, ActionError) as error:
        if isinstance(error, ActionError) and error.code != "email_taken":
            raise
        found = _customer_with_address(address)
        if found is None:
            raise
        return found


@transaction.atomic
def set_detected_language(customer: Customer, *, language: str) -> Customer:
    """The language the customer was detected writing in (tickets.actions.record_detected_language) becomes theirs,
    so replies go out in it, while their language is not known: not confirmed, and no portal login (whose
    language the customer chose in their preferences). Other languages than the interface's are ignored."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.language_confirmed or customer.user_id is not None or language not in LANGUAGE_CODES:
        return customer
    if customer.language != language:
        before = customer.language
        customer.language = language
        customer.save(update_fields=["language", "updated_at"])
        _event(customer, "language.detected", actor=None, data={"before": before, "after": language})
    return customer


@transaction.atomic
def verify_email(address: str, *, actor: User | None) -> Customer | None:
    """The owner of `address` proved it (signed in through a link sent to it): the address is verified, and a
    customer in no organization joins the one its domain belongs to."""
    address = normalise_email(address)
    row = CustomerEmail.objects.select_related("customer").filter(address=address).first()
    if row is None:
        return None
    if row.verified_at is None:
        row.verified_at = timezone.now()
        row.save(update_fields=["verified_at"])
        customer = Customer.objects.select_for_update().get(pk=row.customer_id)
        data: dict[str, Any] = {"email": address}
        if customer.organization_id is None and (organization := organization_for_domain(address)) is not None:
            customer.organization = organization
            customer.save(update_fields=["organization", "updated_at"])
            data["organization"] = organization.pk
        _event(customer, "email.verified", actor=actor, data=data)
    return row.customer


@transaction.atomic
def flag_bounced_email(address: str, *, reason: str, actor: User | None) -> Customer | None:
    """Mail to `address` bounced: the address is flagged (when and why) with an event on its customer; None when no
    customer has it. Flagging it again moves the time on."""
    address = (address or "").strip().lower()
    row = CustomerEmail.objects.select_for_update().filter(address=address).first()
    if row is None:
        return None
    row.bounced_at = timezone.now()
    row.bounce_reason = " ".join(reason.split())[:200]
    row.save(update_fields=["bounced_at", "bounce_reason"])
    _event(row.customer, "email.bounced", actor=actor, data={"email": address, "reason": row.bounce_reason})
    return row.customer


@transaction.atomic
def create_portal_login(customer_id: int, *, password: str | None, actor: User | None) -> User:
    """Give a customer a portal login (a User with role customer) linked to their record, at their primary
    address. Whoever does this can have a sign-in link sent there, so it is a capability of its own."""
    require(actor, Capability.INVITE_CUSTOMERS)
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.user_id:
        return UserModel.objects.get(pk=customer.user_id)
    email = customer.primary_email
    if not email:
        raise ActionError("no_email", _("The customer needs an email address first."), field="email")
    user = account_actions.create_user(
        email=email,
        name=customer.name,
        role=Role.CUSTOMER,
        password=password,
        language=customer.language,
        time_zone=customer.time_zone,
        actor=actor,
    )
    customer.user = user
    customer.save(update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def update_customer(
    customer: Customer,
    *,
    name: str,
    emails: Iterable[str],
    phones: Iterable[str],
    organization: CustomerOrganization | None,
    language: str,
    time_zone: str,
    notes: str = "",
    custom_fields: dict[str, Any] | None = None,
    actor: User,
) -> Customer:
    require(actor, Capability.EDIT_CUSTOMERS)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    _check_language_and_zone(language, time_zone)
    addresses = list(dict.fromkeys(normalise_email(e) for e in emails if e and e.strip()))
    current = [e.address for e in customer.emails.all()]
    if (organization.pk if organization else None) != customer.organization_id:
        # The organization decides whose shared tickets the customer's login sees.
        require(actor, Capability.MANAGE_ORGANIZATIONS)
    if addresses != current and not can(actor, Capability.EDIT_CUSTOMER_ADDRESSES):
        # Whoever changes the addresses can have a sign-in link sent to one of theirs: only roles that see every
        # ticket anyway may (accounts.capabilities).
        raise ActionError("forbidden", _("Your role cannot change a customer's addresses."), field="emails", status=403)
    taken = list(
        CustomerEmail.objects.filter(address__in=addresses).exclude(customer=customer).values_list("address", flat=True)
    )
    if taken:
        raise ActionError(
            "email_taken", _("%(email)s already belongs to another customer.") % {"email": taken[0]}, field="emails"
        )
    before = {
        "name": customer.name,
        "organization": customer.organization_id,
        "language": customer.language,
        "time_zone": customer.time_zone,
        "emails": [e.address for e in customer.emails.all()],
        "phones": [p.number for p in customer.phones.all()],
    }
    # Staff who change the language set it: detection of the customer's messages no longer changes it.
    customer.language_confirmed = customer.language_confirmed or language != customer.language
    customer.name, customer.organization, customer.language = name[:200], organization, language
    customer.time_zone, customer.notes = time_zone, notes
    if custom_fields is not None:
        customer.custom_fields = clean_custom_fields(custom_fields, target="customer")
    customer.save(
        update_fields=[
            "name",
            "organization",
            "language",
            "language_confirmed",
            "time_zone",
            "notes",
            "custom_fields",
            "updated_at",
        ]
    )
    customer.emails.exclude(address__in=addresses).delete()
    existing = set(customer.emails.values_list("address", flat=True))
    CustomerEmail.objects.bulk_create(
        [CustomerEmail(customer=customer, address=a) for a in addresses if a not in existing]
    )
    customer.emails.update(is_primary=False)
    if addresses:
        customer.emails.filter(address=addresses[0]).update(is_primary=True)
    numbers = [p.strip()[:40] for p in phones if p and p.strip()]
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create([CustomerPhone(customer=customer, number=n) for n in numbers])
    after = {
        "name": customer.name,
        "organization": customer.organization_id,
        "language": language,
        "time_zone": time_zone,
        "emails": addresses,
        "phones": numbers,
    }
    if customer.user_id:
        account_actions.sync_customer_login(
            UserModel.objects.get(pk=customer.user_id),
            name=customer.name,
            language=language,
            time_zone=time_zone,
            actor=actor,
        )
    if (before["name"], before["emails"]) != (after["name"], after["emails"]):
        # Thousands of tickets may carry the name and addresses: re-indexed by a job, outside this write lock.
        enqueue_on_commit("opsdesk.tickets.tasks.reindex_customer_tickets", customer.pk)
    _event(customer, "customer.updated", actor=actor, data={"before": before, "after": after})
    return customer


@transaction.atomic
def add_customer_note(customer: Customer, *, body: str, actor: User) -> Customer:
    require(actor, Capability.NOTE_CUSTOMERS)
    body = (body or "").strip()
    if not body:
        raise ActionError("empty_body", _("Write a note first."), field="body", status=422)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    customer.notes = (customer.notes + "\n\n" if customer.notes else "") + f"[{stamp}, {actor.name}] {body}"
    customer.save(update_fields=["notes", "updated_at"])
    _event(customer, "note.added", actor=actor, data={"body": body})
    return customer


@transaction.atomic
def merge_customer_records(source: Customer, *, target: Customer, actor: User) -> Customer:
    """The customer side of a merge: move the source's emails, phones, notes and portal login to the target and
    mark the source merged. Their tickets move with `tickets.actions.merge_customers`, which calls this first."""
    require(actor, Capability.MERGE_CUSTOMERS)
    if source.pk == target.pk:
        raise ActionError("merge_self", _("A customer cannot be merged into itself."), field="target")
    first, second = sorted([source.pk, target.pk])
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise ActionError("customer_merged", _("This customer was already merged."), field="target")
    if source.user_id and target.user_id:
        raise ActionError(
            "both_have_logins", _("Both customers have a portal login; remove one first."), field="target"
        )
    CustomerEmail.objects.filter(customer=source).update(customer=target, is_primary=False)
    CustomerPhone.objects.filter(customer=source).update(customer=target)
    if source.notes:
        target.notes = (target.notes + "\n\n" if target.notes else "") + source.notes
    moved_login = None
    if source.user_id and not target.user_id:
        moved_login = source.user_id
        target.user_id, source.user_id = source.user_id, None
        source.save(update_fields=["user"])
    target.organization_id = target.organization_id or source.organization_id
    target.save(update_fields=["notes", "user", "organization", "updated_at"])
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    _event(source, "customer.merged", actor=actor, data={"source": source.pk, "target": target.pk})
    _event(target, "customer.merged", actor=actor, data={"source": source.pk, "target": target.pk})
    audit.record(actor=actor, verb="customer.merged", target=target, data={"source": source.pk})
    if moved_login is not None:
        login = UserModel.objects.get(pk=moved_login)
        audit.record(
            actor=actor,
            verb="user.customer_changed",
            target=login,
            data={"before": {"customer": source.pk}, "after": {"customer": target.pk}},
        )
    return target


@transaction.atomic
def create_organization(
    *, name: str, domains: Iterable[str] = (), shared_tickets: bool = False, notes: str = "", actor: User
) -> CustomerOrganization:
    require(actor, Capability.MANAGE_ORGANIZATIONS)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if CustomerOrganization.objects.filter(name__iexact=name).exists():
        raise ActionError("name_taken", _("An organization with this name exists already."), field="name")
    clean_domains = sorted({d.strip().lower().lstrip("@") for d in domains if d and d.strip()})
    org = CustomerOrganization.objects.create(
        name=name, domains=clean_domains, shared_tickets=shared_tickets, notes=notes
    )
    audit.record(actor=actor, verb="organization.created", target=org, data={"name": name, "domains": clean_domains})
    return org


@transaction.atomic
def update_organization(
    org: CustomerOrganization, *, name: str, domains: Iterable[str], shared_tickets: bool, notes: str, actor: User
) -> CustomerOrganization:
    require(actor, Capability.MANAGE_ORGANIZATIONS)
    org = CustomerOrganization.objects.select_for_update().get(pk=org.pk)
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("empty_name", _("Enter a name."), field="name", status=422)
    if CustomerOrganization.objects.filter(name__iexact=name).exclude(pk=org.pk).exists():
        raise ActionError("name_taken", _("An organization with this name exists already."), field="name")
    before = {"name": org.name, "domains": org.domains, "shared_tickets": org.shared_tickets}
    org.name, org.shared_tickets, org.notes = name, shared_tickets, notes
    org.domains = sorted({d.strip().lower().lstrip("@") for d in domains if d and d.strip()})
    org.save(update_fields=["name", "domains", "shared_tickets", "notes", "updated_at"])
    audit.record(
        actor=actor,
        verb="organization.updated",
        target=org,
        data={"before": before, "after": {"name": name, "domains": org.domains, "shared_tickets": shared_tickets}},
    )
    return org


# --- CSV import ----------------------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("name", "email", "phone", "organization", "language", "time_zone")


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


def import_customers_csv(data: bytes, *, actor: User) -> ImportReport:
    """Import customers from CSV (columns: name, email, phone, organization, language, time_zone).

    Each row is its own transaction: a bad row is reported with its line number and nothing of it is written;
    good rows are kept. Several emails or phones in one cell are separated by ';'."""
    require(actor, Capability.IMPORT_CUSTOMERS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError("not_utf8", _("The file must be UTF-8 encoded CSV."), field="file", status=422) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header and "email" not in header:
        raise ActionError(
            "bad_header", _("The first row must name the columns, including name or email."), field="file", status=422
        )
    reader.fieldnames = header
    report = ImportReport()
    org_cache: dict[str, CustomerOrganization] = {}
    for line, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            with transaction.atomic():
                org = None
                if values.get("organization"):
                    key = values["organization"].lower()
                    org = org_cache.get(key) or CustomerOrganization.objects.filter(name__iexact=key).first()
                    if org is None:
                        org = create_organization(name=values["organization"], actor=actor)
                    org_cache[key] = org
                customer = create_customer(
                    name=values.get("name", ""),
                    emails=values.get("email", "").split(";"),
                    phones=values.get("phone", "").split(";"),
                    organization=org,
                    language=values.get("language") or "en",
                    language_confirmed=bool(values.get("language")),
                    time_zone=values.get("time_zone") or settings.OPSDESK_DEFAULT_TIME_ZONE,
                    actor=actor,
                )
                _event(customer, "customer.imported", actor=actor, data={"line": line})
            report.created += 1
        except ActionError as error:
            report.errors.append((line, error.message))
    audit.record(actor=actor, verb="customers.imported", data={"created": report.created, "failed": report.failed})
    return report

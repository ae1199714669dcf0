"""Translatable settings (ADR 0012): status names, custom field labels and choices, canned responses.

The statuses every installation starts with get their names in the other four languages (the same words the
catalogues used to translate them by name). A canned response becomes one row with its text in each language: a
row written in a language other than the default keeps its text as the default (so nothing is lost) and also
holds it as that language's translation; the "Untranslated entries" page then lists it."""

from django.conf import settings
from django.db import migrations, models

DEFAULT_STATUS_NAMES = {
    "New": {"fi": "Uusi", "sv": "Ny", "ru": "Новый", "el": "Νέο"},
    "Open": {"fi": "Avoin", "sv": "Öppen", "ru": "Открыт", "el": "Ανοιχτό"},
    "Pending": {"fi": "Odottaa", "sv": "Väntande", "ru": "В ожидании", "el": "Σε αναμονή"},
    "On hold": {"fi": "Pidossa", "sv": "Parkerad", "ru": "Приостановлен", "el": "Σε αναστολή"},
    "Waiting for third party": {
        "fi": "Odottaa kolmatta osapuolta",
        "sv": "Väntar på tredje part",
        "ru": "Ожидает третью сторону",
        "el": "Αναμονή για τρίτο μέρος",
    },
    "Solved": {"fi": "Ratkaistu", "sv": "Löst", "ru": "Решён", "el": "Επιλυμένο"},
    "Closed": {"fi": "Suljettu", "sv": "Stängd", "ru": "Закрыт", "el": "Κλειστό"},
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    TicketStatus = apps.get_model("tickets", "TicketStatus")
    CannedResponse = apps.get_model("tickets", "CannedResponse")
    default = settings.LANGUAGE_CODE.split("-")[0]
    if default == "en":
        for status in TicketStatus.objects.filter(name__in=list(DEFAULT_STATUS_NAMES)):
            if not status.name_translations:
                status.name_translations = DEFAULT_STATUS_NAMES[status.name]
                status.save(update_fields=["name_translations"])
    for canned in CannedResponse.objects.exclude(language=default):
        canned.title_translations = {canned.language: canned.title}
        canned.body_translations = {canned.language: canned.body}
        canned.save(update_fields=["title_translations", "body_translations"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    CannedResponse = apps.get_model("tickets", "CannedResponse")
    for canned in CannedResponse.objects.all():
        languages = list(canned.title_translations)
        if len(languages) == 1 and canned.title_translations[languages[0]] == canned.title:
            canned.language = languages[0]
            canned.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_saved_view_typed_filters"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="cannedresponse",
            options={
                "ordering": ["title"],
                "verbose_name": "canned response",
                "verbose_name_plural": "canned responses",
            },
        ),
        migrations.AlterModelOptions(
            name="customfield",
            options={
                "ordering": ["position", "id"],
                "verbose_name": "custom field",
                "verbose_name_plural": "custom fields",
            },
        ),
        migrations.AlterModelOptions(
            name="ticketstatus",
            options={"ordering": ["position", "id"], "verbose_name": "status", "verbose_name_plural": "statuses"},
        ),
        migrations.AddField(
            model_name="cannedresponse",
            name="body_translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="text in other languages"),
        ),
        migrations.AddField(
            model_name="cannedresponse",
            name="title_translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="title in other languages"),
        ),
        migrations.AddField(
            model_name="customfield",
            name="choice_translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="choice labels in other languages"),
        ),
        migrations.AddField(
            model_name="customfield",
            name="label_translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="label in other languages"),
        ),
        migrations.AddField(
            model_name="ticketstatus",
            name="name_translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="name in other languages"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="cannedresponse", name="language"),
    ]

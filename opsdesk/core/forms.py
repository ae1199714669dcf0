"""Forms that apply an action and turn its ActionError into a form error; the five-language inputs of settings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core import translations
from opsdesk.core.dates import day_example, moment_example, moment_format, moment_formats
from opsdesk.core.errors import ActionError


def add_action_error(form: forms.Form, error: ActionError) -> None:
    """Show a refused action on the form: on its field, on the five-language field an input belongs to (named
    `<field>_<language>`, with the language named), else above the form."""
    field = error.field or ""
    if field in form.fields:
        form.add_error(field, error.message)
        if isinstance(widget := form.fields[field].widget, TranslationsWidget):
            widget.invalid.add(translations.default_language())
        return
    base, _sep, code = field.rpartition("_")
    if base in form.fields and code in translations.language_codes():
        form.add_error(base, f"{translations.language_name(code)}: {error.message}")
        widget = form.fields[base].widget
        if isinstance(widget, TranslationsWidget):
            widget.invalid.add(code)
        return
    form.add_error(None, error.message)


class ActionForm(forms.Form):
    """A form whose cleaned fields are the keyword arguments of one action."""

    def apply(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **self.cleaned_data, **kwargs)
        except ActionError as error:
            add_action_error(self, error)
            return None


def submission_field() -> forms.CharField:
    """A hidden one-time token, new each time a form is shown: the action records it with what it wrote, so a
    double click or a resent request becomes the same ticket or reply, not a second one."""
    return forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=lambda: secrets.token_urlsafe(18)
    )


class DayInput(forms.DateInput):
    """A date typed as the user's language writes it (31.12.2026, 31/12/2026, 2026-12-31). The browser's own date
    picker speaks the browser's language and shows its own order of day and month, whatever the page's language."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "size": 10, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", day_example())
        return context


class MomentInput(forms.DateTimeInput):
    """A date with a time typed as the user's language writes it (31.12.2026 16.30, 31/12/2026 16:30, 2026-12-31
    16:30): the browser's datetime-local picker shows the browser's order of day and month, and a 12-hour clock
    where the browser's language has one, whatever the page's language."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "size": 16, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return str(value.strftime(moment_format()))
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", moment_example())
        return context


class _MomentFormats:
    """The active language's date-time formats, read when a value is cleaned (the language is the request's)."""

    def __iter__(self) -> Any:
        return iter(moment_formats())


class MomentField(forms.DateTimeField):
    """A date and time in the user's time zone, typed the user's language's way (ISO understood too; a US
    month-first date is refused rather than misread)."""

    widget = MomentInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _MomentFormats())
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid":
                raise
            raise forms.ValidationError(MOMENT_INVALID, code="invalid", params={"example": moment_example()}) from None


MOMENT_INVALID = gettext_lazy("Enter a date and time, such as %(example)s.")


class FilePicker(forms.ClearableFileInput):
    """A file input that speaks the user's language: the browser's own button and "No file chosen" follow the
    browser's language, so the input is hidden behind a label styled as a button and the chosen names are shown
    beside it (opsdesk.js). Without scripts, the native input shows (noscript.css)."""

    template_name = "core/widgets/file_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        multiple = self.allow_multiple_selected
        context["widget"]["choose_label"] = _("Choose files…") if multiple else _("Choose a file…")
        context["widget"]["none_label"] = _("No file chosen")
        context["widget"]["attrs"]["class"] = (context["widget"]["attrs"].get("class", "") + " file-input").strip()
        return context


class TranslationsWidget(forms.MultiWidget):
    """One input per language, side by side (stacked on a phone), each with its language as its label and `lang`
    attribute. The default language's input keeps the plain name (`name`), the others add the code (`name_fi`)."""

    template_name = "core/widgets/translations.html"

    def __init__(
        self, *, multiline: bool = False, max_length: int | None = None, attrs: dict[str, Any] | None = None
    ) -> None:
        self.codes = [translations.default_language(), *translations.other_languages()]
        self.multiline = multiline
        self.invalid: set[str] = set()  # languages whose input holds the error, marked aria-invalid
        default = translations.default_language()

        def widget(code: str) -> forms.Widget:
            if multiline:
                return forms.Textarea(attrs={"rows": 5, "lang": code})
            return forms.TextInput(attrs={"lang": code, **({"maxlength": max_length} if max_length else {})})

        super().__init__({("" if code == default else code): widget(code) for code in self.codes}, attrs)

    def __deepcopy__(self, memo: dict[int, Any]) -> TranslationsWidget:
        copied = super().__deepcopy__(memo)
        copied.invalid = set()  # each form's own, never shared through the class-level field
        return copied

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, Mapping):
            return [value.get(code) or None for code in self.codes]
        if isinstance(value, str):
            return [value] + [None] * (len(self.codes) - 1)
        return [None] * len(self.codes)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["multiline"] = self.multiline
        default = translations.default_language()
        for code, sub in zip(self.codes, context["widget"]["subwidgets"], strict=True):
            if self.invalid:  # Django marks every input of a field in error; mark only the refused languages
                sub["attrs"].pop("aria-invalid", None)
                if code in self.invalid:
                    sub["attrs"]["aria-invalid"] = "true"
            language = translations.language_name(code)
            sub["language_label"] = (
                _("%(language)s (default)") % {"language": language} if code == default else language
            )
        return context


class TranslatedTextField(forms.MultiValueField):
    """A setting's text in the five languages. The default language's is required (other languages fall back to
    it), the others are optional. Cleans to {code: text} for the languages filled in; `TranslatedForm` splits that
    into the action's `<name>` and `<name>_translations` arguments."""

    def __init__(
        self, *, max_length: int | None = None, multiline: bool = False, required: bool = True, **kwargs: Any
    ) -> None:
        default = translations.default_language()
        self.codes = [default, *translations.other_languages()]
        fields = []
        for code in self.codes:
            messages: dict[str, Any] = {
                "max_length": format_lazy(
                    "{}: {}", translations.language_name(code), gettext_lazy("use at most %(limit_value)d characters.")
                ),
                "incomplete": format_lazy(
                    gettext_lazy("Fill in {language}: the other languages fall back to it."),
                    language=translations.language_name(code),
                ),
            }
            fields.append(
                forms.CharField(max_length=max_length, required=required and code == default, error_messages=messages)
            )
        kwargs.setdefault(
            "help_text",
            format_lazy(
                gettext_lazy("A language left empty shows the {language} text."),
                language=translations.language_name(default),
            ),
        )
        super().__init__(
            fields=fields,
            require_all_fields=False,
            required=required,
            widget=TranslationsWidget(multiline=multiline, max_length=max_length),
            **kwargs,
        )

    def clean(self, value: Any) -> Any:
        """As MultiValueField, and remember which languages' inputs were refused so they are marked."""
        self.widget.invalid = set()
        values = value if isinstance(value, list | tuple) else []
        for code, field, text in zip(self.codes, self.fields, values, strict=False):
            try:
                field.clean(text)
            except forms.ValidationError:
                self.widget.invalid.add(code)
        return super().clean(value)

    def compress(self, data_list: list[Any]) -> dict[str, str]:
        return {code: value for code, value in zip(self.codes, data_list, strict=False) if value}


class ChoiceTranslationsWidget(forms.Widget):
    """For each stable choice value, its label in every language but the default (where the value is its own
    label): a hidden `<name>_<i>` carries the value, `<name>_<i>_<code>` its labels. Rows are the choices stored
    when the page was drawn, so renaming or reordering choices in the same post keeps each label on its value."""

    template_name = "core/widgets/choice_translations.html"
    max_rows = 200

    def __init__(self, values: list[str] | None = None, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.values = values or []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for i in range(self.max_rows):
            value = data.get(f"{name}_{i}")
            if value is None:
                break
            out[value] = {code: data.get(f"{name}_{i}_{code}", "") for code in translations.other_languages()}
        return out

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}_0" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = value if isinstance(value, Mapping) else {}
        rows = []
        for i, choice in enumerate(self.values):
            labels = current.get(choice) or {}
            rows.append(
                {
                    "value": choice,
                    "name": f"{name}_{i}",
                    "inputs": [
                        {
                            "id": f"id_{name}_{i}_{code}",
                            "name": f"{name}_{i}_{code}",
                            "code": code,
                            "label": translations.language_name(code),
                            "value": labels.get(code, ""),
                        }
                        for code in translations.other_languages()
                    ],
                }
            )
        context["widget"]["rows"] = rows
        return context


class ChoiceTranslationsField(forms.Field):
    """The labels of a drop-down's choices in the other languages: {value: {code: label}}."""

    def __init__(self, values: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(widget=ChoiceTranslationsWidget(values), **kwargs)

    def to_python(self, value: Any) -> dict[str, dict[str, str]]:
        if not isinstance(value, Mapping):
            return {}
        return {
            str(choice): {code: " ".join(str(text).split()) for code, text in labels.items() if str(text).strip()}
            for choice, labels in value.items()
            if isinstance(labels, Mapping)
        }


class _SortedByLabel(forms.models.ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(self.queryset)
        labels = {id(obj): self.field.label_from_instance(obj) for obj in rows}
        for obj in sorted(rows, key=lambda obj: labels[id(obj)].casefold()):
            yield self.choice(obj)


class _Listed(forms.models.ModelChoiceIterator):
    """Choices read with one plain query. Django's ModelChoiceIterator uses `QuerySet.iterator()`, which on
    PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for a list of a few rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = getattr(self.field, "rows", None)
        for obj in rows if rows is not None else list(self.queryset):
            yield self.choice(obj)


class RowChoiceField(forms.ModelChoiceField):
    """A choice of a few rows (statuses, agents), read in one query. A page showing several fields of the same
    rows reads them once and gives them to each (`rows`, for showing; a submitted value is still checked against
    the queryset)."""

    iterator = _Listed
    rows: list[Any] | None = None


class TranslatedModelChoiceField(forms.ModelChoiceField):
    """A choice of translatable rows (teams), labelled and sorted in the reader's language: the database can only
    sort the default language's column."""

    iterator = _SortedByLabel


class TranslatedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several translatable rows (teams), labelled and sorted in the reader's language."""

    iterator = _SortedByLabel


class TranslatedForm(forms.Form):
    """A settings form with five-language fields: cleaned, each `TranslatedTextField` `name` becomes `name` (the
    default language's text) and `name_translations` (the others), as the configuration actions take them."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default = translations.default_language()
        for name, field in self.fields.items():
            if isinstance(field, TranslatedTextField) and name in cleaned:
                value = cleaned.pop(name) or {}
                cleaned[name] = value.get(default, "")
                cleaned[f"{name}_translations"] = {code: text for code, text in value.items() if code != default}
        return cleaned


def translated_initial(obj: Any, *fields: str) -> dict[str, Any]:
    """A settings form's initial values for `fields` of a translatable row: every language's text."""
    return {field: obj.texts(field) for field in fields} if obj is not None else {}

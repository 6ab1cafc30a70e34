"""Hostile SLO YAML (issue 10, findings 1 and 7): a small file cannot exhaust memory or time,
and values the database cannot store are refused whole with the field named."""

import pytest
from django.core.management import call_command

from slos import definitions
from slos.models import SLO

pytestmark = pytest.mark.django_db

ENTRY = """  - name: {name}
    service: checkout
    description: {description}
    target: {target}
    sli: {{good: 'sum(rate(ok[$window]))', total: 'sum(rate(all[$window]))'}}
"""


def one_slo(name="A", description="fine", target="99.9"):
    return "slos:\n" + ENTRY.format(name=name, description=description, target=target)


# The report's file in small: aliases nine wide in the description (531,441 values expanded;
# each level more multiplies memory by nine).
LAUGHS = "\n".join(
    ["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * 9) + "]" for n in range(1, 6)]
) + "\n" + one_slo(description="*x5")


def refusal(text, offline_source):
    with pytest.raises(definitions.ImportRefused) as refused:
        definitions.import_text(text, data_source=offline_source)
    assert not SLO.objects.exists()
    return refused.value.errors


def test_the_alias_bomb_is_refused_not_expanded(service, offline_source):
    assert len(LAUGHS.encode()) < 700
    assert refusal(LAUGHS, offline_source) == [
        "line 2: aliases (*x0) are not accepted; write the value out"]


def test_the_alias_bomb_on_the_import_page_answers_400(editor_client, service, offline_source):
    response = editor_client.post("/slos/import/", {"text": LAUGHS})
    assert response.status_code == 400
    assert "aliases (*x0) are not accepted" in response.content.decode()
    assert not SLO.objects.exists()


def test_a_file_of_25000_slos_is_refused_at_once(service, offline_source):
    text = "slos:\n" + "".join(ENTRY.format(name=f"S{n}", description="d", target="99")
                               for n in range(25_000))
    errors = refusal(text, offline_source)
    assert errors[0].startswith("the file is ") and "the limit is 1.0 MB" in errors[0]


def test_more_slos_than_the_limit_are_refused(service, offline_source):
    text = "slos:\n" + "".join(f"- {{name: S{n}}}\n" for n in range(definitions.MAX_SLOS + 1))
    assert refusal(text, offline_source) == [
        "the file holds 1,001 SLOs; the limit is 1,000 a file (split it into several files)"]


@pytest.mark.parametrize(("text", "message"), [
    (one_slo(target=".nan"), "slos[0].target: NaN is not a number"),
    (one_slo(target=".inf"), "slos[0].target: infinity is not a number"),
    (one_slo(name='"nul\\0name"'), "slos[0].name: contains a NUL character"),
    ("slos:\n  - " + "[" * 50_000 + "]" * 50_000, "nested deeper than 50 levels"),
    (one_slo(description="x" * 6000), "slos[0] (A).description: at most 5,000 characters"),
    (one_slo(name="n" * 151), "name: Ensure this value has at most 150 characters"),
    (one_slo(description="[a, b]"), "slos[0] (A).description: a single value is required"),
    (one_slo(target="1e3"), "slos[0] (A).target"),
    (one_slo().replace("    sli:", "    alerts: {fast_burn: {burn_rate: 1.0e+300}}\n    sli:"),
     "slos[0] (A).alerts.fast_burn.burn_rate: a positive number up to 1,000,000"),
])
def test_unstorable_values_are_refused_with_the_field_named(service, offline_source, text,
                                                            message):
    errors = refusal(text, offline_source)
    assert any(message in error for error in errors), errors


def test_a_byte_order_mark_is_accepted(tmp_path, service, offline_source, capsys):
    path = tmp_path / "slos.yml"
    path.write_bytes(b"\xef\xbb\xbf" + one_slo().encode())
    call_command("import_slos", str(path))
    assert SLO.objects.get().name == "A"


def test_an_uploaded_file_with_a_byte_order_mark_is_accepted(editor_client, service,
                                                             offline_source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("slos.yml", b"\xef\xbb\xbf" + one_slo().encode())
    assert editor_client.post("/slos/import/", {"file": upload}).status_code == 302
    assert SLO.objects.get().name == "A"


def test_an_oversized_upload_is_refused_by_the_form(editor_client, service, offline_source):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("slos.yml", b"#" * 1_000_001)
    response = editor_client.post("/slos/import/", {"file": upload})
    assert response.status_code == 400
    assert "the limit is 1.0 MB" in response.content.decode()

"""Learning from reviewers in the store: the training settings of a tenant (audit-logged), the
evidence its reviewers leave (never a 個人番号, never another tenant's), and the second reader
model recorded on each field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import Action, FieldState, Store, TenantStore
from tests.unit.store.conftest import Kit


def _tenant_events(url: str, tenant: str, action: Action) -> list[tuple[str, Any, Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT actor, old, new FROM audit_events WHERE tenant_id = :t "
                    "AND action = :a ORDER BY id"
                ),
                {"t": tenant, "a": action.value},
            ).all()
    finally:
        engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def _save(town: TenantStore, kit: Kit, name: str, page: Any, *, image: bool = True) -> int:
    src, _ = town.register_source(kit.sha(name), name, 100)
    images = {1: kit.png(len(name))} if image else {}
    (doc_id,) = town.save_result(src.id, [page], images)
    return doc_id


def _version(town: TenantStore, doc_id: int) -> int:
    return town.get_document(doc_id).version


def test_opt_in_is_off_until_an_administrator_turns_it_on(
    town_a: TenantStore, town_b: TenantStore, migrated_url: str
) -> None:
    assert town_a.training_opt_in() is False
    town_a.set_training_opt_in(True, actor="admin-a")
    assert town_a.training_opt_in() is True
    assert town_b.training_opt_in() is False
    town_a.set_training_opt_in(False, actor="admin-a")
    assert town_a.training_opt_in() is False
    events = _tenant_events(migrated_url, "town-a", Action.TRAINING_OPT_IN)
    assert [(a, _j(o), _j(n)) for a, o, n in events] == [
        ("admin-a", {"on": False}, {"on": True}),
        ("admin-a", {"on": True}, {"on": False}),
    ]
    assert _tenant_events(migrated_url, "town-b", Action.TRAINING_OPT_IN) == []


def _j(v: Any) -> Any:
    import json

    return json.loads(v) if isinstance(v, str) else v


def test_reader_model_switches_only_to_a_model_of_this_tenant(
    town_a: TenantStore, town_b: TenantStore, tmp_path: Path, migrated_url: str
) -> None:
    assert town_a.reader_model() is None
    with pytest.raises(BadArgumentsError, match="no model 'm1'"):
        town_a.set_reader_model("m1", actor="admin-a")
    with pytest.raises(BadArgumentsError, match="not a model id"):
        town_a.set_reader_model("../town-b/m1", actor="admin-a")
    folder = town_a.models_dir / "m1"
    assert folder == tmp_path / "models" / "town-a" / "m1"
    folder.mkdir(parents=True)
    (folder / "model.json").write_text("{}", encoding="utf-8")
    town_a.set_reader_model("m1", actor="admin-a")
    assert town_a.reader_model() == "m1"
    # town B cannot use town A's model
    with pytest.raises(BadArgumentsError, match="no model 'm1'"):
        town_b.set_reader_model("m1", actor="admin-b")
    assert town_b.reader_model() is None
    town_a.set_reader_model(None, actor="admin-a")
    assert town_a.reader_model() is None
    events = [
        (a, _j(o), _j(n)) for a, o, n in _tenant_events(migrated_url, "town-a", Action.READER_MODEL)
    ]
    assert events == [
        ("admin-a", {"model": None}, {"model": "m1"}),
        ("admin-a", {"model": "m1"}, {"model": None}),
    ]


def test_evidence_is_what_a_person_decided_never_a_my_number(
    town_a: TenantStore, town_b: TenantStore, kit: Kit
) -> None:
    water = _save(town_a, kit, "w.pdf", kit.water(review=("user_name", "phone", "user_kana")))
    furusato = _save(town_a, kit, "f.pdf", kit.furusato(review=("my_number", "name")))
    assert town_a.evidence_counts() == {}
    town_a.correct_field(
        water, "user_name", "山田　次郎", actor="rev", expected_version=_version(town_a, water)
    )
    town_a.confirm_field(water, "phone", actor="rev", expected_version=_version(town_a, water))
    town_a.mark_unreadable(
        water, "user_kana", actor="rev", expected_version=_version(town_a, water)
    )
    town_a.mark_unreadable(
        furusato, "my_number", actor="rev", expected_version=_version(town_a, furusato)
    )
    town_a.confirm_field(furusato, "name", actor="rev", expected_version=_version(town_a, furusato))
    assert town_a.evidence_counts() == {"kana": 1, "name": 2, "phone": 1}
    examples = town_a.training_examples()
    assert {(e.document_id, e.field_id) for e in examples} == {
        (water, "user_name"),
        (water, "phone"),
        (water, "user_kana"),
        (furusato, "name"),
    }
    by_id = {e.field_id: e for e in examples if e.document_id == water}
    assert by_id["user_name"].value == "山田\u3000次郎"
    assert by_id["user_name"].status is FieldState.CORRECTED
    assert by_id["user_name"].raw == "山田\u3000太郎"
    assert by_id["user_name"].form_id == "water_service"
    assert by_id["user_name"].form_version == 1
    assert by_id["user_kana"].value is None
    assert all(e.type != "mynumber" for e in examples)
    assert [e.field_id for e in town_a.training_examples(types=["phone"])] == ["phone"]
    # another tenant sees none of it
    assert town_b.evidence_counts() == {}
    assert town_b.training_examples() == []


def test_a_field_whose_form_marks_it_sensitive_is_never_evidence(
    town_a: TenantStore, kit: Kit, store: Store
) -> None:
    # remarks is a free-text field; a form flag "sensitive" on it would keep it out.
    doc = _save(town_a, kit, "w.pdf", kit.water(review=("remarks",)))
    town_a.mark_unreadable(doc, "remarks", actor="rev", expected_version=1)
    assert town_a.evidence_counts() == {"text": 1}

    real = town_a._forms

    def sensitive_remarks(form_id: str, version: int) -> Any:
        spec = real(form_id, version)
        fields = tuple(
            f.model_copy(update={"sensitive": True}) if f.id == "remarks" else f
            for f in spec.fields
        )
        return spec.model_copy(update={"fields": fields})

    town_a._forms = sensitive_remarks
    assert town_a.evidence_counts() == {}
    assert town_a.training_examples() == []


def test_since_and_a_page_without_image(town_a: TenantStore, kit: Kit, clock: Any) -> None:
    early = _save(town_a, kit, "a.pdf", kit.water(review=("user_name",)))
    town_a.confirm_field(early, "user_name", actor="rev", expected_version=1)
    clock.advance(3600)
    cut = clock.now
    late = _save(town_a, kit, "b.pdf", kit.water(review=("user_name",)))
    town_a.confirm_field(late, "user_name", actor="rev", expected_version=1)
    no_image = _save(town_a, kit, "c.pdf", kit.water(review=("user_name",)), image=False)
    town_a.confirm_field(no_image, "user_name", actor="rev", expected_version=1)
    assert [e.document_id for e in town_a.training_examples(since=cut)] == [late]
    assert town_a.evidence_counts() == {"name": 2}


def test_each_field_records_the_model_that_read_it(town_a: TenantStore, kit: Kit) -> None:
    page = kit.water(review=("user_name",))
    page.reader_model = "m7"
    doc = _save(town_a, kit, "w.pdf", page)
    town_a.confirm_field(doc, "user_name", actor="rev", expected_version=1)
    (example,) = town_a.training_examples()
    assert example.reader_model == "m7"


def test_examples_go_with_their_document(town_a: TenantStore, kit: Kit, clock: Any) -> None:
    keep = _save(town_a, kit, "a.pdf", kit.water(review=("user_name",)))
    gone = _save(town_a, kit, "b.pdf", kit.water(review=("user_name",)))
    for doc in (keep, gone):
        town_a.confirm_field(doc, "user_name", actor="rev", expected_version=1)
    assert town_a.evidence_counts() == {"name": 2}
    # a purge takes the returned document, and its examples with it
    town_a.return_document(gone, actor="kacho", expected_version=2, reason="重複")
    clock.advance(1)
    report = town_a.purge_finished(clock(), actor="kanri")
    assert report.documents == (gone,)
    assert [e.document_id for e in town_a.training_examples()] == [keep]
    assert town_a.evidence_counts() == {"name": 1}

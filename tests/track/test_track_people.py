"""People: handles, emails, departments, deactivation — one clear error per mistake."""

import pytest

from tracker.errors import KaiseiError, NotFoundError
from tracker.people import (add_person, deactivate_person, departments_of, edit_person, get_person, list_people,
                            person_departments, reactivate_person, resolve_person)


def test_add_and_get(session):
    p = add_person(session=session, handle="yamada.t", name="山田 太郎", email="yamada@example.co.jp",
                   departments=["hr", "accounting", "hr"], lang="ja")
    session.commit()
    assert get_person(session=session, handle="yamada.t").id == p.id
    # configured order, duplicates dropped
    assert person_departments(session=session, person_id=p.id) == ["accounting", "hr"]
    assert p.lang == "ja" and p.active
    assert resolve_person(session=session, person=p.id) is p
    assert resolve_person(session=session, person="yamada.t").id == p.id


@pytest.mark.parametrize("handle", ["Yamada", "yamada taro", "", "-x", "山田", "a" * 101])
def test_bad_handle(session, handle):
    with pytest.raises(KaiseiError, match="bad handle"):
        add_person(session=session, handle=handle, name="x", email="x@example.jp", departments=["hr"])


@pytest.mark.parametrize("email", ["", "x", "x@", "@example.jp", "a b@example.jp", "x@exa mple.jp", "x@-bad.jp",
                                   "山田@example.jp", "a..b@example.jp", ".a@example.jp", "a:b@example.jp"])
def test_bad_email(session, email):
    with pytest.raises(KaiseiError, match="bad email"):
        add_person(session=session, handle="x", name="x", email=email, departments=["hr"])


def test_email_accepted_is_one_the_digest_can_address(session):
    # Found in QA: 山田@example.jp was accepted here, then stopped `kaisei digest --dry-run` for everyone.
    from email.headerregistry import Address

    for handle, email in (("obrien", "o'brien+kaisei@example.co.jp"), ("first", "first.last@mailhost")):
        person = add_person(session=session, handle=handle, name="x", email=email, departments=["hr"])
        assert Address(display_name="x", addr_spec=person.email).addr_spec == email


def test_intranet_email_is_fine(session):
    assert add_person(session=session, handle="x", name="x", email="x@mailhost", departments=["hr"]).email == "x@mailhost"


def test_unknown_department_lists_known_keys(session):
    with pytest.raises(NotFoundError) as err:
        add_person(session=session, handle="x", name="x", email="x@example.jp", departments=["sales"])
    assert str(err.value) == "unknown department 'sales' (known: accounting, hr, legal, general_affairs, it)"
    assert list_people(session=session) == []


def test_needs_name_department_and_known_lang(session):
    with pytest.raises(KaiseiError, match="at least one department"):
        add_person(session=session, handle="x", name="x", email="x@example.jp", departments=[])
    with pytest.raises(KaiseiError, match="needs a name"):
        add_person(session=session, handle="x", name="  ", email="x@example.jp", departments=["hr"])
    with pytest.raises(KaiseiError, match="unknown language"):
        add_person(session=session, handle="x", name="x", email="x@example.jp", departments=["hr"], lang="fr")


def test_duplicate_handle(session):
    add_person(session=session, handle="sato", name="佐藤", email="sato@example.jp", departments=["legal"])
    session.commit()
    with pytest.raises(KaiseiError) as err:
        add_person(session=session, handle="sato", name="別の佐藤", email="s2@example.jp", departments=["it"])
    assert str(err.value) == "person 'sato' already exists"


def test_unknown_person(session):
    with pytest.raises(NotFoundError) as err:
        get_person(session=session, handle="ghost")
    assert str(err.value) == "unknown person 'ghost'"


def test_edit(session):
    add_person(session=session, handle="sato", name="佐藤", email="sato@example.jp", departments=["legal"])
    p = edit_person(session=session, handle="sato", name="佐藤 一郎", email="ichiro@example.jp", lang="en",
                    add_departments=["it", "hr"], remove_departments=["legal"])
    session.commit()
    assert (p.name, p.email, p.lang) == ("佐藤 一郎", "ichiro@example.jp", "en")
    assert person_departments(session=session, person_id=p.id) == ["hr", "it"]
    p = edit_person(session=session, handle="sato", departments=["general_affairs"], lang="")
    assert person_departments(session=session, person_id=p.id) == ["general_affairs"]
    assert p.lang is None
    with pytest.raises(KaiseiError, match="no department left"):
        edit_person(session=session, handle="sato", remove_departments=["general_affairs"])
    with pytest.raises(NotFoundError, match="unknown department 'x'"):
        edit_person(session=session, handle="sato", add_departments=["x"])
    with pytest.raises(KaiseiError, match="bad email"):
        edit_person(session=session, handle="sato", email="nope")


def test_list_deactivate_reactivate(session):
    for handle, deps in (("c", ["it"]), ("a", ["hr"]), ("b", ["hr", "it"])):
        add_person(session=session, handle=handle, name=handle.upper(), email=f"{handle}@example.jp",
                   departments=deps)
    session.commit()
    assert [p.handle for p in list_people(session=session)] == ["a", "b", "c"]
    assert [p.handle for p in list_people(session=session, department="it")] == ["b", "c"]
    deactivate_person(session=session, handle="b")
    session.commit()
    assert [p.handle for p in list_people(session=session)] == ["a", "c"]
    assert [p.handle for p in list_people(session=session, include_inactive=True)] == ["a", "b", "c"]
    reactivate_person(session=session, handle="b")
    assert [p.handle for p in list_people(session=session, department="hr")] == ["a", "b"]
    ids = {p.handle: p.id for p in list_people(session=session)}
    assert departments_of(session=session, person_ids=ids.values()) == {
        ids["a"]: ["hr"], ids["b"]: ["hr", "it"], ids["c"]: ["it"]}
    with pytest.raises(NotFoundError):
        deactivate_person(session=session, handle="zz")

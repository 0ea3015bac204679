"""The family area: profile and children forms, and nobody reaching another family's data."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from booking.models import Child, Guardian
from booking.validators import validate_fiscal_code
from tests.booking.factories import ChildFactory, GuardianFactory, UserFactory, fiscal_code, make_wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(client):
    guardian = GuardianFactory()
    client.force_login(guardian.user)
    return guardian


class TestFiscalCode:
    def test_valid_code_passes(self):
        validate_fiscal_code(fiscal_code(datetime.date(2012, 1, 5)))

    def test_wrong_check_character_is_refused_with_a_clear_message(self):
        code = fiscal_code(datetime.date(2012, 1, 5))
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        with pytest.raises(Exception, match="carattere di controllo"):
            validate_fiscal_code(wrong)

    @pytest.mark.parametrize("value", ["RSSMRA", "00743110157", "1234567890123456"])
    def test_short_company_or_garbage_codes_are_refused(self, value):
        with pytest.raises(Exception, match="codice fiscale"):
            validate_fiscal_code(value)

    def test_lower_case_and_spaces_are_normalised(self, family, client):
        code = fiscal_code(datetime.date(2014, 9, 9))
        client.post(
            reverse("booking:child_add"),
            {"first_name": "Anna", "birth_date": "2014-09-09", "fiscal_code": f" {code[:8].lower()} {code[8:]} "},
        )
        assert Child.objects.get(guardian=family).fiscal_code == code


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("booking:family"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_new_user_is_asked_to_complete_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("booking:family"))
    assert response["Location"] == reverse("booking:profile")
    code = fiscal_code(datetime.date(1980, 4, 1))
    response = client.post(
        reverse("booking:profile"),
        {"first_name": "Paolo", "last_name": "Neri", "fiscal_code": code, "email": "p@example.org", "municipio": "3"},
    )
    assert response.status_code == 302
    guardian = Guardian.objects.get(user=user)
    assert (guardian.fiscal_code, guardian.municipio, guardian.fiscal_code_verified) == (code, 3, False)


def test_profile_with_bad_fiscal_code_shows_an_italian_error_and_saves_nothing(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("booking:profile"), {"first_name": "Paolo", "last_name": "Neri", "fiscal_code": "RSSMRA80D01F205X"}
    )
    assert response.status_code == 200
    assert "carattere di controllo" in response.content.decode()
    assert not Guardian.objects.exists()


def test_verified_fiscal_code_cannot_be_changed_from_the_profile(family, client):
    Guardian.objects.filter(pk=family.pk).update(fiscal_code_verified=True)
    other = fiscal_code(datetime.date(1970, 1, 1))
    client.post(
        reverse("booking:profile"),
        {"first_name": "Lucia", "last_name": "Rossi", "fiscal_code": other, "email": "x@example.org"},
    )
    family.refresh_from_db()
    assert family.fiscal_code != other


def test_child_whose_code_does_not_match_the_birth_date_is_refused(family, client):
    code = fiscal_code(datetime.date(2014, 9, 9))
    response = client.post(
        reverse("booking:child_add"), {"first_name": "Anna", "birth_date": "2014-09-10", "fiscal_code": code}
    )
    assert "non corrisponde alla data di nascita" in response.content.decode()
    assert not Child.objects.exists()


def test_family_page_lists_children_and_wallets_with_balance(family, client, django_assert_max_num_queries):
    child = ChildFactory(guardian=family, first_name="Sofia")
    make_wallet("200.00", child=child)
    make_wallet("150.00", child=ChildFactory(guardian=family))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("booking:family"))
    html = response.content.decode()
    assert "Sofia" in html
    assert "200,00 €" in html and "150,00 €" in html


def test_wallet_page_shows_balance_and_history(family, client):
    from booking import vouchers

    wallet = make_wallet("200.00", child=ChildFactory(guardian=family))
    vouchers.redeem(wallet, Decimal("45.00"), idempotency_key="o1", memo="Corso di nuoto")
    html = client.get(reverse("booking:wallet", args=[wallet.pk])).content.decode()
    assert "155,00 €" in html
    assert "Corso di nuoto" in html
    assert "-45,00 €" in html


class TestAnotherFamilysData:
    """Guessing ids of another family's records gives 404, and changes nothing."""

    def test_cannot_read_or_edit_another_familys_child(self, family, client):
        theirs = ChildFactory(first_name="Pietro")
        url = reverse("booking:child_edit", args=[theirs.pk])
        assert client.get(url).status_code == 404
        data = {"first_name": "Rubato", "birth_date": theirs.birth_date.isoformat(), "fiscal_code": theirs.fiscal_code}
        response = client.post(url, data)
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.first_name == "Pietro"

    def test_cannot_see_another_familys_wallet(self, family, client):
        theirs = make_wallet("300.00")
        assert client.get(reverse("booking:wallet", args=[theirs.pk])).status_code == 404
        assert "300,00" not in client.get(reverse("booking:family")).content.decode()

    def test_user_without_profile_cannot_see_any_wallet(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("booking:wallet", args=[make_wallet().pk])).status_code == 404

    def test_own_child_is_editable(self, family, client):
        mine = ChildFactory(guardian=family)
        response = client.post(
            reverse("booking:child_edit", args=[mine.pk]),
            {"first_name": "Nuovo", "birth_date": mine.birth_date.isoformat(), "fiscal_code": mine.fiscal_code},
        )
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.first_name == "Nuovo"


def test_email_signup_requires_verification_before_login(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "nuova@example.org", "password1": "una-password-lunga-42", "password2": "una-password-lunga-42"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    credentials = {"login": "nuova@example.org", "password": "una-password-lunga-42"}
    response = client.post(reverse("account_login"), credentials)
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"]).status_code == 200


def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory(email="bersaglio@example.org")
    user.set_password("giusta-password-99")
    user.save()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "bersaglio@example.org", "password": "sbagliata"})
    credentials = {"login": "bersaglio@example.org", "password": "giusta-password-99"}
    response = client.post(reverse("account_login"), credentials)
    assert "Troppi tentativi di accesso" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_signup_pages_are_italian_and_use_the_site_layout(client):
    for name, heading in (("account_login", "Accedi"), ("account_signup", "Registrati")):
        html = client.get(reverse(name)).content.decode()
        assert f"<h1>{heading}</h1>" in html
        assert 'id="main-content"' in html
        assert html.count("<h1") == 1

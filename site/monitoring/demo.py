"""Demo content of the monitoring: the public page, synthetic residents, synthetic activity, the figures.

The activity is synthetic (no real person): 240 families spread over the nine municipi, their children,
requests to live services fitting each child's age over the last eighteen months, quotes accepted into
orders, and voucher payments through the ledger. Everything is made from a fixed seed, once: a second
run finds the families and adds nothing. Then the figures are computed and the open data written.
"""

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from stdnum.it import codicefiscale

from booking import vouchers
from booking.models import Child, Guardian, Order, Payment, Quote, ServiceRequest, VoucherCall
from catalog import facts as catalogue
from core.demo_pages import publish_child
from home.models import HomePage
from monitoring.figures import refresh
from monitoring.models import MonitoringPage, Refresh
from monitoring.opendata import write_all

FAMILIES = 240
MARK = "Famiglia dimostrativa"  # the synthetic guardians' last name: how a second run knows them
MONTH_LETTERS = "ABCDEHLMPRST"  # codice fiscale month letters (D.M. 23/12/1976)
# How many families live in each municipio, roughly as Milan's children do.
MUNICIPIO_WEIGHTS = [4, 11, 10, 11, 9, 10, 12, 13, 14]


def _fiscal_code(serial: int, birth: datetime.date) -> str:
    """A well-formed synthetic code: the "DMO" surname part marks it, the serial makes it unique."""
    letters = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(serial // 26**i) % 26] for i in range(3))
    body = f"DMO{letters}{birth:%y}{MONTH_LETTERS[birth.month - 1]}{birth.day:02d}F205"
    return body + codicefiscale.calc_check_digit(body)


def _page() -> None:
    home = HomePage.objects.get()
    publish_child(
        home,
        MonitoringPage(
            title="Il monitoraggio di WISH MI",
            slug="monitoraggio",
            intro=(
                "Quanto il progetto contribuisce alle sei sfide e alle sette dimensioni del benessere: servizi, "
                "richieste, acquisti e bambini e ragazzi raggiunti. Dati aggregati, aggiornati ogni notte."
            ),
        ),
    )


def _activity(rng: random.Random) -> bool:
    """Build the synthetic activity once; True when it was built now."""
    if Guardian.objects.filter(last_name=MARK).exists():
        return False
    call = VoucherCall.objects.order_by("-valid_from").first()
    services = [
        {
            "pk": s.id,
            "age_min": s.age_min,
            "age_max": s.age_max,
            "provider_page_id": s.provider_id,
            "price_amount": s.price,
        }
        for s in catalogue.services_facts(catalogue.live_services().values_list("pk", flat=True))
    ]
    if not services:
        return False
    now = timezone.now()
    today = timezone.localdate()
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(
                first_name=f"Genitore {n + 1}",
                last_name=MARK,
                fiscal_code=_fiscal_code(n, datetime.date(1980, 1, 1)),
                municipio=rng.choices(range(1, 10), MUNICIPIO_WEIGHTS)[0],
            )
            for n in range(FAMILIES)
        ]
    )
    children = []
    for guardian in guardians:
        for _ in range(rng.choice([1, 1, 2])):
            birth = today - datetime.timedelta(days=rng.randint(365, 17 * 365))
            children.append(
                Child(
                    guardian=guardian,
                    first_name=f"Figlia o figlio {len(children) + 1}",
                    birth_date=birth,
                    fiscal_code=_fiscal_code(len(children) + FAMILIES, birth),
                )
            )
    children = Child.objects.bulk_create(children)
    wallets = {}
    if call:
        # Every other child holds a voucher of the call: granted in one go (a constant number of queries), each
        # wallet with the grant entry and audit entry `vouchers.create_wallet` writes; like the ranking's grants
        # (bulk inserts send no post_save), they get no rows in Wagtail's reference index.
        grants = [(child, child.guardian, Decimal(rng.choice([200, 250, 300, 350, 400]))) for child in children[::2]]
        wallets = {wallet.child_id: wallet for wallet in vouchers.create_wallets(grants, call=call)}
    requests, quotes, orders = [], [], []
    for child in children:
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            when = now - datetime.timedelta(days=rng.randint(0, 540), hours=rng.randint(0, 23))
            age = (when.date() - child.birth_date).days // 365
            fitting = [s for s in services if s["age_min"] <= age <= s["age_max"]]
            if not fitting:
                continue
            service = rng.choice(fitting)
            answered = rng.random() < 0.7
            requests.append(
                ServiceRequest(
                    guardian=child.guardian,
                    child=child,
                    service_id=service["pk"],
                    provider_id=service["provider_page_id"],
                    preferred_start=when.date(),
                    created_at=when,
                    state=ServiceRequest.State.QUOTED if answered else ServiceRequest.State.EXPIRED,
                )
            )
            if answered:
                price = service["price_amount"] or Decimal(rng.choice([60, 90, 120, 180]))
                quotes.append((len(requests) - 1, price, when))
    requests = ServiceRequest.objects.bulk_create(requests)
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for index, price, when in quotes:
        quotes_row = Quote(
            request=requests[index],
            price=price,
            start_date=when.date(),
            schedule="Come da scheda",
            valid_until=when.date() + datetime.timedelta(days=14),
            created_by=admin,
            created_at=when,
            state=Quote.State.ACCEPTED,
        )
        orders.append(quotes_row)
    quote_rows = Quote.objects.bulk_create(orders)
    order_rows = []
    for quote in quote_rows:
        state = rng.choices(
            [Order.State.COMPLETED, Order.State.PAID, Order.State.AWAITING_PAYMENT, Order.State.CANCELLED], [5, 3, 1, 1]
        )[0]
        order_rows.append(
            Order(
                quote=quote,
                guardian=quote.request.guardian,
                provider_id=quote.request.provider_id,
                price=quote.price,
                created_at=quote.created_at + datetime.timedelta(days=2),
                state=state,
            )
        )
    order_rows = Order.objects.bulk_create(order_rows)
    payments = []
    for order in order_rows:
        if order.state not in (Order.State.PAID, Order.State.COMPLETED):
            continue
        wallet = wallets.get(order.quote.request.child_id)
        part = min(order.price, vouchers.balance(wallet)) if wallet else Decimal(0)
        if part > 0:
            entry = vouchers.redeem(
                wallet, part, idempotency_key=f"demo-monitoring-{order.pk}", memo="Acquisto dimostrativo"
            )
            payments.append(
                Payment(
                    order=order,
                    method=Payment.Method.VOUCHER,
                    amount=part,
                    ledger_entry=entry,
                    status=Payment.Status.CONFIRMED,
                    attempt_key=f"demo-{order.pk}",
                    created_at=order.created_at,
                )
            )
        if order.price > part:
            payments.append(
                Payment(
                    order=order,
                    method=Payment.Method.AT_PROVIDER,
                    amount=order.price - part,
                    status=Payment.Status.CONFIRMED,
                    attempt_key=f"demo-{order.pk}",
                    created_at=order.created_at,
                )
            )
    Payment.objects.bulk_create(payments)
    return True


def load(stdout) -> None:
    _page()
    call_command(
        "load_resident_children", Path(__file__).parent / "data" / "resident_children_synthetic.csv", stdout=stdout
    )
    if _activity(random.Random(18)) or not Refresh.objects.exists():
        run = refresh()
        stdout.write(f"monitoraggio: {run.facts} cifre")
        write_all(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/dati-aperti")

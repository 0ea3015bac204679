"""Monitoring views: the admin dashboard and equity page (staff), open data (public), a child's radar (family)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache

from booking.models import Child
from monitoring import opendata
from monitoring.child_radar import child_radar
from monitoring.dashboard import CUT_CHOICES, dashboard_context, equity_context
from monitoring.figures import periods
from monitoring.models import ALL_PERIODS, Metric, Refresh

PERMISSION = "monitoring.view_monitoring"


def _filters(request) -> tuple[str, int | None, str, str]:
    """Period, call, cut and metric from the query string; anything unknown falls back to the default."""
    period = request.GET.get("period", ALL_PERIODS)
    if period not in periods():
        period = ALL_PERIODS
    call = request.GET.get("call", "")
    call_id = int(call) if call.isdigit() and len(call) < 10 else None
    cut = request.GET.get("cut", "")
    cut = cut if cut in {c.value for c in CUT_CHOICES} else CUT_CHOICES[0].value
    metric = request.GET.get("metric", "")
    metric = metric if metric in Metric.values else Metric.CHILDREN.value
    return period, call_id, cut, metric


def _require(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def dashboard(request):
    """Admin: the figures per challenge and dimension, and one metric broken down by a cut."""
    _require(request)
    period, call_id, cut, metric = _filters(request)
    context = dashboard_context(request.user, period, call_id, cut, metric)
    context["refresh"] = Refresh.objects.order_by("-started_at").first()
    return render(request, "monitoring/admin/dashboard.html", context)


def equity(request):
    """Admin: shares of voucher spending, children reached and vouchers per municipio vs residents."""
    _require(request)
    period, call_id, _cut, _metric = _filters(request)
    context = equity_context(period, call_id)
    context.update(
        {
            "periods": periods(),
            "selected": {"period": period, "call": call_id},
            "ALL_PERIODS": ALL_PERIODS,
            "refresh": Refresh.objects.order_by("-started_at").first(),
        }
    )
    return render(request, "monitoring/admin/equity.html", context)


def _published(name: str) -> Path:
    path = Path(settings.OPEN_DATA_ROOT) / name
    if not path.is_file():
        raise Http404("Dati non ancora pubblicati.")
    return path


@cache_control(public=True, max_age=300)
def open_data(request):
    """Public: the list of datasets, their files and licence."""
    root = Path(settings.OPEN_DATA_ROOT)
    datasets = [
        {"dataset": dataset, "published": (root / f"{dataset.identifier}.csv").is_file()}
        for dataset in opendata.DATASETS
    ]
    return render(request, "monitoring/open_data.html", {"datasets": datasets, "license_url": opendata.LICENSE_URL})


@cache_control(public=True, max_age=300)
def open_data_file(request, identifier: str, kind: str):
    """Public: one dataset's CSV or JSON as last written by `publish_open_data`."""
    if identifier not in {dataset.identifier for dataset in opendata.DATASETS}:
        raise Http404
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/json"
    response = FileResponse(_published(f"{identifier}.{kind}").open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{identifier}.{kind}"'
    return response


@cache_control(public=True, max_age=300)
def open_data_catalogue(request):
    """Public: the DCAT-AP_IT catalogue (JSON-LD) of the datasets."""
    base = request.build_absolute_uri("/dati-aperti").rstrip("/")
    response = JsonResponse(
        opendata.catalogue(base, timezone.localdate()), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Type"] = "application/ld+json"
    return response


@never_cache
@login_required
def child_wellbeing(request, pk: int):
    """Family: the wellbeing radar of one of the signed-in family's children, private to the family."""
    child = get_object_or_404(Child.objects.select_related("guardian"), pk=pk, guardian__user=request.user)
    return render(request, "monitoring/child_radar.html", {"child": child, **child_radar(child)})

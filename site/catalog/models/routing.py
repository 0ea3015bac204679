"""Routing helpers: a service sheet or a provider found in one query instead of Wagtail's two or three."""

from django.http import Http404

from catalog.models.services import ServicePage


def route_to_specific_child(parent, child_model, request, path_components):
    """Route one level down when every child is a `child_model`: one query instead of Wagtail's two.

    Wagtail's `Page.route` reads the child as a plain Page, then again as its specific class; the
    provider register and a provider hold one page type each, so the specific row is read directly.
    Raises Http404 like Wagtail when no child has the slug.
    """
    child = next(iter(child_model.objects.child_of(parent).filter(slug=path_components[0]).order_by()[:1]), None)
    if child is None:
        raise Http404
    child._cached_parent_obj = parent
    return child.route(request, path_components[1:])


def service_under(ancestor, slugs: list[str]):
    """The service page at `ancestor`'s url + slugs, its provider page joined, in one query; None otherwise.

    `slugs` ends with the provider's and the service's slug. None when there is no such service or
    when its provider_page is not its parent (a service moved under another provider): the caller then
    lets Wagtail's own routing decide. The result's and its provider's parent are set for routing.
    """
    found = (
        ServicePage.objects.select_related("provider_page")
        .filter(slug=slugs[-1], depth=ancestor.depth + len(slugs), path__startswith=ancestor.path)
        .order_by()[:1]  # unordered: ordering a select of a hundred columns costs more than the query itself
    )
    service = next(iter(found), None)
    provider = service and service.provider_page
    if (
        provider is None
        or service.url_path != ancestor.url_path + "".join(f"{slug}/" for slug in slugs)
        or service.path[: -ServicePage.steplen] != provider.path
    ):
        return None
    service._cached_parent_obj = provider
    return service

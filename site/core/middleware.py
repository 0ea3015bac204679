"""Domain refusals that reach the JSON API become `{"error": {"code": ..., "message": ...}}`, never a 500."""

from django.http import JsonResponse

from core.errors import DomainError

API_PREFIX = "/api/"


class DomainErrorMiddleware:
    """Under /api/, an uncaught DomainError answers its `status` (409 by default) with the error body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and request.path.startswith(API_PREFIX):
            return JsonResponse(exception.as_json(), status=exception.status, json_dumps_params={"ensure_ascii": False})
        return None

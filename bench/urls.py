"""Bench-only routes, mounted at `/bench/` when BENCH_ENDPOINTS=1 (never in production).

`nodb/` is the reference every figure of `make bench` is divided by: a DRF view that goes
through the same middleware, DRF dispatch and JSON renderer as the API, but touches neither
the database nor the cache, so the ratio measures what our own code adds.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

# The shape of an (empty) invoice list page: what a client receives, minus our work.
_ENVELOPE = {
    "count": 0,
    "page": 1,
    "per_page": 50,
    "total_pages": 1,
    "next": None,
    "previous": None,
    "results": [],
}


class NoDatabaseView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(_ENVELOPE)


urlpatterns = [path("nodb/", NoDatabaseView.as_view(), name="bench-nodb")]

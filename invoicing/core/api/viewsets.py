"""The base viewset every resource uses: its queryset starts from the request's workspace,
POSTs honour Idempotency-Key, and writes need the view's role."""

from __future__ import annotations

from rest_framework import mixins, viewsets
from rest_framework.renderers import JSONRenderer

from invoicing.core.api import idempotency


class WorkspaceViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    sort_fields: dict[str, str] | tuple[str, ...] | None = None
    default_sort = "-id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return self.queryset.none() if self.queryset is not None else None
        return self.workspace_queryset(self.request.workspace)

    def workspace_queryset(self, workspace):
        """Override for select_related/prefetch; the base filters `queryset` by workspace."""
        return self.queryset.filter(workspace_id=workspace.pk)

    @property
    def workspace(self):
        return self.request.workspace

    # --- Idempotency-Key ----------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = idempotency.claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return idempotency.replay_response(exc.record)
        response = super().handle_exception(exc)
        # Errors are JSON in the one error shape, even on routes that also speak PDF.
        request = self.request
        if getattr(request, "accepted_renderer", None) is not None and \
                request.accepted_renderer.media_type != "application/json":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        record = getattr(self, "_idempotency_record", None)
        if record is not None:
            self._idempotency_record = None
            idempotency.store(record, response)
        return super().finalize_response(request, response, *args, **kwargs)


class ReadOnlyWorkspaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               WorkspaceViewSet):
    pass

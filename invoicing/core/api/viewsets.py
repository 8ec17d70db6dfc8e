"""The base viewset every resource uses: its queryset starts from the request's workspace,
POSTs honour Idempotency-Key, and writes need the view's role."""

from __future__ import annotations

from django.db import transaction
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

    # Fields of this view's answers shown once (secrets): stored redacted for replays.
    redact_fields: tuple[str, ...] = ()

    # --- Idempotency-Key ----------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = idempotency.claim(request)
        if self._idempotency_record is not None:
            # The work and its stored answer commit together (see finalize_response).
            self._idempotency_atomic = transaction.atomic()
            self._idempotency_atomic.__enter__()
            self._idempotency_committed = False
            transaction.on_commit(lambda: setattr(self, "_idempotency_committed", True))

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
            self._finish_idempotent(record, response)
        return super().finalize_response(request, response, *args, **kwargs)

    def _finish_idempotent(self, record, response) -> None:
        """Store the answer in the request's transaction and commit; a 5xx rolls back and
        frees the key. Once the commit happened the key keeps its answer, whatever follows."""
        atomic = self._idempotency_atomic
        failed = response.status_code >= 500
        try:
            if failed:
                transaction.set_rollback(True)
            else:
                idempotency.store(record, response, redact_fields=self.redact_fields)
        except Exception:
            failed = True
            transaction.set_rollback(True)
        try:
            atomic.__exit__(None, None, None)
        except Exception:
            if not self._idempotency_committed:
                idempotency.free(record)
            raise
        if failed:
            idempotency.free(record)


class ReadOnlyWorkspaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               WorkspaceViewSet):
    pass

"""The workspace's activity log: who did what to which object, written by services in
their own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import Activity, Workspace


def activity_record(
    *,
    workspace: Workspace,
    actor: Any,
    verb: str,
    target: models.Model,
    description: str = "",
    data: dict | None = None,
) -> Activity:
    """Append to the workspace's activity log; call inside the service's transaction."""
    return Activity.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        description=description[:300],
        data=data or {},
    )


def activity_for(target: models.Model):
    return Activity.objects.filter(
        workspace_id=target.workspace_id, target_type=target._meta.label_lower,
        target_id=target.pk,
    ).select_related("actor")

"""Workspace scoping: the one way models, querysets and views are bound to a workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from workspaces.models import Workspace


class WorkspaceQuerySet(models.QuerySet):
    def for_workspace(self, workspace: Workspace | int) -> WorkspaceQuerySet:
        workspace_id = workspace if isinstance(workspace, int) else workspace.pk
        return self.filter(workspace_id=workspace_id)

    def active(self) -> WorkspaceQuerySet:
        return self.filter(is_active=True)


class WorkspaceScopedModel(models.Model):
    """Every domain row belongs to exactly one workspace."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True

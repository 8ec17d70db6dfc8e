"""Finding what each installed app contributes (API routes, dashboard panels, demo data) by
module name, so the plumbing names no app: an app takes part by having the module."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` of every installed app of this project (not third-party ones) that has
    one, in INSTALLED_APPS order."""
    found = []
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(root) \
                or ".venv" in Path(config.path).parts:
            continue
        if module_has_submodule(config.module, name):
            found.append(import_module(f"{config.name}.{name}"))
    return found

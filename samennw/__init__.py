"""Portaal van Nationaal Programma Samen Nieuw-West: project package and cross-cutting app."""

from .celery import app as celery_app

__all__ = ["celery_app"]

"""Local development: DEBUG on, mail to the console."""

from .base import *  # noqa: F403

DEBUG = True

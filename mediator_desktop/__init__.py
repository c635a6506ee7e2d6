"""Mediator Desktop (调解工作台): an offline workbench for people's mediation rooms (人民调解室)."""

__version__ = "0.1.0"
APP_NAME = "mediator-desktop"
APP_TITLE = "调解工作台"

"""Every write of the automation app: rules (rules.py), running their steps and logging each firing (running.py),
time rules' due instants (timing.py), macros (macros.py)."""

from opsdesk.automation.actions.macros import apply_macro, delete_macro, save_macro
from opsdesk.automation.actions.rules import RuleInput, delete_rule, move_rule, save_rule, set_rule_active

__all__ = [
    "RuleInput",
    "apply_macro",
    "delete_macro",
    "delete_rule",
    "move_rule",
    "save_macro",
    "save_rule",
    "set_rule_active",
]

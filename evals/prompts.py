"""Prompt text the suite adds around a scenario (overridable through task parameters)."""

CHOICE_TEMPLATE = """{prompt}

Options:
{options}

Answer with the letter of the option you recommend for me, then say briefly why."""
"""How a choice scenario is shown: `{prompt}` and the lettered `{options}` lines."""

USER_PREFIX_TEMPLATE = """{context}

{prompt}"""
"""How a rendered context is put in front of the user turn when position is `user_prefix`."""

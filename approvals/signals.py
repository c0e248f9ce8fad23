"""Signal handlers of the approvals app (connected in ApprovalsConfig.ready)."""

from __future__ import annotations


def on_signing_key_saved(sender, instance, created, **kwargs) -> None:
    """A key change is in the audit trail: a new key (which retires the authority's previous
    one) and a key switched on or off. Keys are made by the create_signing_key command, so the
    actor is the operator's account on the server (named in the entry), not an admin user."""
    import getpass

    from wagtail.log_actions import log

    if kwargs.get("raw"):
        return  # fixtures
    try:
        operator = getpass.getuser()
    except Exception:  # no login name in some containers
        operator = ""
    data = {
        "authority": str(instance.authority),
        "key_id": instance.key_id,
        "is_active": instance.is_active,
        "operator": operator,
    }
    log(instance=instance, action="approvals.key_create" if created else "approvals.key_change",
        data=data)  # fmt: skip

from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Uninstalling leaves nothing of the module in the database: what the monthly figures keep beside the ORM goes
    with it (docs/delivery-records.md §5)."""
    env["aftersales.delivery.month"]._drop_delta()

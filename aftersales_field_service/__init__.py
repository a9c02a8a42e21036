from odoo.tools import SQL

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Without field service a return visit follows an RMA, a repair or a complaint: the return visits of on-site
    visits go with their visits, and the base's check of a return visit's source is put back before the visit
    column is dropped, which would drop field service's wider check with it (docs/README.md, the addons)."""
    visits = env["aftersales.return.visit"].with_context(active_test=False, **{MODULE_UNINSTALL_FLAG: True})
    visits.search([("dispatch_order_id", "!=", False)]).unlink()
    env.cr.execute(SQL(
        "ALTER TABLE aftersales_return_visit DROP CONSTRAINT IF EXISTS aftersales_return_visit_one_source, "
        "ADD CONSTRAINT aftersales_return_visit_one_source CHECK (num_nonnulls(rma_id, repair_id, complaint_id) = 1)"
    ))

from odoo.tools import SQL

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from . import controllers
from . import models
from . import wizard


# What every company's commissioning checklist said while it was a setting, one check per line.
DEFAULT_COMMISSIONING_CHECKLIST = (
    "Power supply and earthing\nWiring and protective devices\nDirection of rotation\nNo-load run\n"
    "Guards and safety devices\nManuals and certificates handed over"
)


def post_init_hook(env):
    """Installed on a database of the single after-sales addon: its companies' commissioning checklists are kept
    (docs/field-service.md §4)."""
    keep_commissioning_checklists(env)


def keep_commissioning_checklists(env):
    """The commissioning checklist was a company setting, one check per line; the checklists are now checks per
    service type, shared or a company's own (docs/field-service.md §4). A company that had changed its list keeps
    it as its own installation checklist; the setting's column goes at the end of the update."""
    env.cr.execute("""SELECT column_name FROM information_schema.columns
                       WHERE table_name = 'res_company' AND column_name = 'aftersales_commissioning_checklist'""")
    if not env.cr.fetchone():
        return
    env.cr.execute("SELECT id, aftersales_commissioning_checklist FROM res_company")
    for company_id, text in env.cr.fetchall():
        if (text or "").strip() == DEFAULT_COMMISSIONING_CHECKLIST:
            continue
        names = [line.strip() for line in (text or "").splitlines() if line.strip()]
        env["aftersales.check.template"].sudo().create([
            {"name": name, "sequence": index, "service_type": "installation", "company_id": company_id}
            for index, name in enumerate(names)
        ])


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

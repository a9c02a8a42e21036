from odoo import SUPERUSER_ID, api

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_field_service import keep_commissioning_checklists


def migrate(cr, version):
    """The companies' commissioning checklists become their installation checklists (docs/field-service.md §4)."""
    keep_commissioning_checklists(api.Environment(cr, SUPERUSER_ID, {}))

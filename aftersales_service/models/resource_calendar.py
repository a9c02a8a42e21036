from odoo import models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        result = super().write(vals)
        if "tz" in vals:
            self.env["res.company"]._aftersales_tz_changed()
        return result

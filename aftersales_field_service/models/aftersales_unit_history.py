from odoo import api, models
from odoo.tools import SQL


class AftersalesUnitHistory(models.AbstractModel):
    _inherit = "aftersales.unit.history"

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _history_sources(self):
        """The installation, the visits, their repairs on site and their return visits (docs/recalls.md §1)."""
        return [
            *super()._history_sources(),
            SQL("""
                SELECT record.installed_on, 'installation', 'aftersales.dispatch.order', visit.id, visit.name, NULL,
                       NULL, record.partner_id, record.id, 'aftersales.dispatch.order', visit.id
                  FROM aftersales_delivery_record record
                  JOIN units ON units.id = record.id
                  JOIN aftersales_dispatch_order visit ON visit.id = record.installation_order_id
                 WHERE record.installed_on IS NOT NULL
            """),
            SQL("""
                SELECT (coalesce(visit.checkin_date, visit.appointment_start, visit.call_date) AT TIME ZONE 'UTC')::date,
                       'visit', 'aftersales.dispatch.order', visit.id, visit.name, visit.state, visit.service_type,
                       visit.partner_id, line.delivery_record_id, 'aftersales.dispatch.order', visit.id
                  FROM aftersales_dispatch_line line
                  JOIN units ON units.id = line.delivery_record_id
                  JOIN aftersales_dispatch_order visit ON visit.id = line.order_id AND visit.state <> 'cancel'
            """),
            SQL("""
                SELECT (repair.create_date AT TIME ZONE 'UTC')::date, 'onsite_repair', 'repair.order', repair.id,
                       repair.name, repair.state, NULL, visit.partner_id, line.delivery_record_id, NULL, NULL
                  FROM aftersales_dispatch_line line
                  JOIN units ON units.id = line.delivery_record_id
                  JOIN aftersales_dispatch_order visit ON visit.id = line.order_id
                  JOIN repair_order repair ON repair.id = line.repair_id AND repair.state <> 'cancel'
            """),
            SQL("""
                SELECT coalesce(call.date_done, call.date_planned), 'return_visit', 'aftersales.return.visit', call.id,
                       call.name, call.state, NULL, call.partner_id, line.delivery_record_id, NULL, NULL
                  FROM aftersales_return_visit call
                  JOIN aftersales_dispatch_line line ON line.order_id = call.dispatch_order_id
                  JOIN units ON units.id = line.delivery_record_id
                 WHERE call.state <> 'cancel'
            """),
        ]

    @api.model
    def _customer_kinds(self):
        return super()._customer_kinds() | {"installation", "visit", "onsite_repair"}

    @api.model
    def _portal_paths(self):
        return {**super()._portal_paths(), "aftersales.dispatch.order": "/my/visits/%s"}

    @api.model
    def _labels(self):
        return {
            **super()._labels(),
            "installation": self.env._("Installed"),
            "visit": self.env._("Visit"),
            "onsite_repair": self.env._("Repair on site"),
        }

    @api.model
    def _entry_details(self, entry):
        if entry["kind"] == "visit":
            types = self.env["aftersales.dispatch.order"]._fields["service_type"]._description_selection(self.env)
            return dict(types).get(entry["extra"], "")
        return super()._entry_details(entry)

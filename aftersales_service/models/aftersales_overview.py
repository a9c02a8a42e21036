from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from ..selections import OPEN_COMPLAINT_STATES, RMA_STATES
from .aftersales_delivery_mixin import window_action

# RMAs still in progress, shown one tile per state on the overview.
OPEN_RMA_STATES = ("draft", "confirmed", "received", "inspected", "decided", "processed")


class AftersalesOverview(models.AbstractModel):
    """The figures of the app's first screen: what needs doing now and how the service is going, each a click
    away from its list (docs/README.md, overview)."""

    _name = "aftersales.overview"
    _description = "After-Sales Overview"

    @api.model
    @api.readonly
    def get_overview(self):
        """The overview of the current company for the current user, read with their rights. Read-only: a replica
        may serve it (docs/README.md, read-only entry points)."""
        if not self.env.user.has_group("aftersales_service.group_aftersales_user"):
            raise AccessError(self.env._("The after-sales overview is for After-Sales users."))
        return {
            "rma_states": self._rma_state_tiles(),
            "tiles": self._work_tiles(),
            "return_rate": self._return_rate_trend(),
            "satisfaction": self._satisfaction_trend(),
        }

    @api.model
    def _window(self, xmlid, domain, name=None, view_mode=None):
        """The window action ``xmlid`` narrowed to ``domain``, as a tile opens it."""
        action = window_action(self.env, xmlid, domain)
        if name:
            action["name"] = name
        if view_mode:
            action["view_mode"] = view_mode
            action["views"] = [(False, mode) for mode in view_mode.split(",")]
        return action

    @api.model
    def _filtered(self, xmlid, **search_defaults):
        """The window action ``xmlid`` opened on its search view's ``search_defaults`` alone: the tile's filter is
        a facet the user sees and may remove (docs/README.md, overview)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["context"] = {"create": False, **{f"search_default_{name}": value for name, value in search_defaults.items()}}
        return action

    @api.model
    def _rma_state_tiles(self):
        """Open RMAs by state, in the workflow's order."""
        counts = dict(self.env["aftersales.rma"]._read_group(
            [("state", "in", OPEN_RMA_STATES)], ["state"], ["__count"]
        ))
        labels = dict(self.env["aftersales.rma"]._fields["state"]._description_selection(self.env))
        return [{
            "key": state,
            "label": labels[state],
            "count": counts.get(state, 0),
            "action": self._filtered("aftersales_service.action_aftersales_rma", state=state),
        } for state, _label in RMA_STATES if state in OPEN_RMA_STATES]

    @api.model
    def _work_tiles(self):
        """Late repairs, complaints at risk or breached, complaints received this month: each counts what its
        search filter of the same name finds."""
        today = self.env.company._aftersales_today()
        open_complaints = [("state", "in", OPEN_COMPLAINT_STATES)]
        tiles = [
            ("late_repairs", self.env._("Late Repairs"), "repair.order", "aftersales_service.action_aftersales_repair",
             [("aftersales_rma_id", "!=", False), ("aftersales_returned_date", "=", False),
              ("aftersales_is_late", "=", True), ("state", "!=", "cancel")], "danger"),
            ("at_risk", self.env._("Complaints at Risk"), "aftersales.complaint",
             "aftersales_service.action_aftersales_complaint", [*open_complaints, ("sla_state", "=", "at_risk")],
             "warning"),
            ("breached", self.env._("Complaints Breached"), "aftersales.complaint",
             "aftersales_service.action_aftersales_complaint", [*open_complaints, ("sla_state", "=", "breached")],
             "danger"),
            ("this_month", self.env._("Complaints This Month"), "aftersales.complaint",
             "aftersales_service.action_aftersales_complaint",
             [("received_day", ">=", today.replace(day=1)), ("state", "!=", "cancel")], "info"),
        ]
        return [{
            "key": key,
            "label": label,
            "tone": tone,
            "count": self.env[model].search_count(domain),
            "action": self._filtered(xmlid, **{f"overview_{key}": 1}),
        } for key, label, model, xmlid, domain, tone in tiles]

    @api.model
    def _return_rate_trend(self):
        """The return rate of the last twelve delivery months; a month without deliveries has no rate
        (docs/rma.md §12)."""
        start = self.env.company._aftersales_today().replace(day=1) - relativedelta(months=11)
        groups = self.env["aftersales.return.rate.report"]._read_group(
            [("month", ">=", start)], ["month:month"], ["delivered_qty:sum", "return_rate:avg"], order="month:month"
        )
        action = self._window(
            "aftersales_service.action_aftersales_return_rate_report", [("month", ">=", start)],
            view_mode="graph,pivot,list",
        )
        # The graph leaves out the months without rows instead of drawing them at 0 %, as the report's own menu.
        action["context"] = dict(action["context"], fill_temporal=False)
        return {
            "points": [{"label": format_date(self.env, month, date_format="MMM yyyy"), "value": rate}
                       for month, delivered, rate in groups if delivered],
            "action": action,
        }

    @api.model
    def _satisfaction_trend(self):
        """The average score of the validated surveys of the last five campaigns (docs/satisfaction.md §2)."""
        first_year = self.env.company._aftersales_today().year - 4
        domain = [("state", "=", "done"), ("campaign_year", ">=", first_year)]
        groups = self.env["aftersales.survey"]._read_group(
            domain, ["campaign_year"], ["score:avg"], order="campaign_year"
        )
        return {
            "points": [{"label": str(year), "value": score or 0.0} for year, score in groups],
            "action": self._window("aftersales_service.action_aftersales_survey_analysis", domain),
        }

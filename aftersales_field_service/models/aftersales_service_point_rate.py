from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import SERVICE_TYPES, TRAVEL_MODES


class AftersalesServicePointRate(models.Model):
    """What we pay a point for a visit of a service type: a fee per visit, labour per hour, travel per visit or by
    distance band, parts at cost or with a margin; the services a point offers are those of its card
    (docs/service-network.md §1, §5)."""

    _name = "aftersales.service.point.rate"
    _description = "Service Point Rate"
    _order = "point_id, service_type"

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_type = fields.Selection(SERVICE_TYPES, required=True)
    visit_fee = fields.Monetary(string="Fee per Visit")
    labour_rate = fields.Monetary(string="Labour per Hour")
    travel_mode = fields.Selection(TRAVEL_MODES, string="Travel", required=True, default="visit")
    travel_fee = fields.Monetary(string="Travel per Visit")
    parts_margin = fields.Float(
        string="Parts Margin (%)", help="Parts are paid at their cost plus this share of it; 0: at cost."
    )

    _point_service_uniq = models.Constraint(
        "unique(point_id, service_type)", "The rate card has one line per service type."
    )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("visit_fee", "labour_rate", "travel_fee", "parts_margin")
    def _check_amounts(self):
        if any(min(rate.visit_fee, rate.labour_rate, rate.travel_fee, rate.parts_margin) < 0 for rate in self):
            raise ValidationError(self.env._("Rates and margins are zero or more."))

    # Business rules ---------------------------------------------------------------------------

    def _travel_amount(self, distance):
        """The travel of a visit ``distance`` km away: the fee per visit, or the fee of its distance band
        (docs/service-network.md §5)."""
        self.ensure_one()
        if self.travel_mode == "visit":
            return self.travel_fee
        band = self.point_id.band_ids.filtered(lambda band: band.distance_from <= distance < band.distance_to)[:1]
        if not band:
            raise UserError(self.env._(
                "%(point)s has no travel band for %(distance)s km.", point=self.point_id.name, distance=distance
            ))
        return band.fee

    def _prepare_settlement_amounts(self, labour_hours, distance, parts_cost):
        """A visit's amounts by this rate (docs/service-network.md §5); pure."""
        self.ensure_one()
        return {
            "visit_fee": self.visit_fee,
            "labour_amount": labour_hours * self.labour_rate,
            "travel_amount": self._travel_amount(distance),
            "parts_amount": parts_cost * (1 + self.parts_margin / 100),
        }

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesServicePointBand(models.Model):
    """A distance band of a point's travel fee: from (included) to (excluded) so many km, this fee
    (docs/service-network.md §1)."""

    _name = "aftersales.service.point.band"
    _description = "Service Point Travel Band"
    _order = "point_id, distance_from"

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    distance_from = fields.Float(string="From (km)", required=True)
    distance_to = fields.Float(string="Up To (km)", required=True)
    fee = fields.Monetary(required=True)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("distance_from", "distance_to", "fee", "point_id")
    def _check_band(self):
        """Bands are ordered, priced and do not overlap (docs/service-network.md §1)."""
        for band in self:
            if band.distance_from < 0 or band.distance_to <= band.distance_from or band.fee < 0:
                raise ValidationError(self.env._("A travel band runs from zero km or more to a longer distance, "
                                                 "for a fee of zero or more."))
            others = band.point_id.band_ids - band
            if any(other.distance_from < band.distance_to and band.distance_from < other.distance_to for other in others):
                raise ValidationError(self.env._("%(point)s: travel bands overlap.", point=band.point_id.name))
